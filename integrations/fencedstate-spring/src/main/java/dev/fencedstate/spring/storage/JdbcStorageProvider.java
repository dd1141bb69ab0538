package dev.fencedstate.spring.storage;

import dev.fencedstate.StorageFailureException;
import dev.fencedstate.jdbc.JdbcStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spring.FencedStateConfigurationException;
import dev.fencedstate.spring.FencedStorageProvider;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Backend {@code jdbc}: every store in one PostgreSQL table ({@link JdbcBackendSettings#getTable()}), each under its
 * own value of the table's {@code store} column (the store's name unless {@link JdbcBackendSettings#getStore()} says
 * otherwise). Application instances on any number of hosts that use the same table share the stores; lease time is
 * the database's clock, so hosts' clocks do not matter.
 *
 * <p>Opening a store creates or checks the tables (see {@link JdbcStorage.Builder#build()}), so a database that cannot
 * be reached, or tables that are missing while schema creation is off, fail the application at startup with a
 * {@link FencedStateConfigurationException} saying which settings to check.
 *
 * <p>The storage never closes the {@link DataSource}: it belongs to the application. Give it a plain pool (Boot's
 * auto-configured one is), not a transaction-aware proxy: each statement must commit on its own, never join a
 * caller's transaction.
 */
public class JdbcStorageProvider implements FencedStorageProvider<JdbcBackendSettings> {

    /** The backend id. */
    public static final String BACKEND = "jdbc";

    private final DataSource dataSource;
    private final List<JdbcStorageCustomizer> customizers;

    public JdbcStorageProvider(DataSource dataSource) {
        this(dataSource, List.of());
    }

    /** @param customizers applied in this order to each store's builder, after the settings */
    public JdbcStorageProvider(DataSource dataSource, List<JdbcStorageCustomizer> customizers) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.customizers = List.copyOf(customizers);
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public Class<JdbcBackendSettings> settingsType() {
        return JdbcBackendSettings.class;
    }

    /** The DataSource every store of this backend uses. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Checks the table name and the store value by fencedstate-jdbc's own rules, without connecting. */
    @Override
    public void validate(JdbcBackendSettings settings, String propertyPrefix) {
        String table = settings.getTable();
        if (table != null) {
            check(propertyPrefix + ".table", () -> JdbcStorage.builder(dataSource).table(table));
        }
        String store = settings.getStore();
        if (store != null) {
            check(propertyPrefix + ".store", () -> JdbcStorage.builder(dataSource).store(store));
        }
    }

    @Override
    public StateStorage open(String storeName, @Nullable JdbcBackendSettings settings) {
        JdbcBackendSettings own = settings != null ? settings : new JdbcBackendSettings();
        JdbcStorage.Builder builder = JdbcStorage.builder(dataSource);
        try {
            if (own.getTable() != null) {
                builder.table(Objects.requireNonNull(own.getTable()));
            }
            builder.store(own.getStore() != null ? Objects.requireNonNull(own.getStore()) : storeName);
        } catch (IllegalArgumentException e) {
            throw new FencedStateConfigurationException("Store '" + storeName + "' cannot use the jdbc backend: "
                    + sentence(e.getMessage()), "Fix fencedstate.stores." + storeName + ".jdbc.* or fencedstate.jdbc.*.",
                    e);
        }
        if (own.getCreateSchema() != null) {
            builder.createSchema(Objects.requireNonNull(own.getCreateSchema()));
        }
        for (JdbcStorageCustomizer customizer : customizers) {
            customizer.customize(storeName, builder);
        }
        try {
            return builder.build();
        } catch (StorageFailureException e) {
            // At startup: Boot's failure report should say which settings to look at, with the database's own words.
            throw new FencedStateConfigurationException("Store '" + storeName + "' cannot open its table "
                    + (own.getTable() != null ? own.getTable() : JdbcStorage.DEFAULT_TABLE) + " on the jdbc backend: "
                    + sentence(e.getMessage()), "Check that the DataSource (spring.datasource.*) reaches the database "
                    + "with a role that may use the table. If the tables should exist already, create them with the "
                    + "DDL in the fencedstate-jdbc README, or let fencedstate create them: "
                    + "fencedstate.jdbc.create-schema=true (or fencedstate.stores." + storeName
                    + ".jdbc.create-schema).", e);
        }
    }

    @Override
    public String location(String storeName, StateStorage storage) {
        return storage instanceof JdbcStorage jdbc
                ? "table " + jdbc.table() + ", store '" + jdbc.store() + "'" : storage.describe();
    }

    private static void check(String property, Runnable rule) {
        try {
            rule.run();
        } catch (IllegalArgumentException e) {
            throw new FencedStateConfigurationException("Invalid " + property + ": " + sentence(e.getMessage()),
                    "Change " + property + ".", e);
        }
    }

    /** {@code text} ending with a full stop, once. */
    private static String sentence(@Nullable String text) {
        String stripped = text == null ? "" : text.strip();
        return stripped.endsWith(".") ? stripped : stripped + ".";
    }

    @Override
    public String toString() {
        return "JdbcStorageProvider[" + BACKEND + "]";
    }
}
