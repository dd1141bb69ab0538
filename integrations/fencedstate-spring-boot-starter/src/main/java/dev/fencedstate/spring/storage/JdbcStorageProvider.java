package dev.fencedstate.spring.storage;

import dev.fencedstate.StorageFailureException;
import dev.fencedstate.jdbc.JdbcStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spring.FencedStateConfigurationException;
import dev.fencedstate.spring.FencedStorageProvider;
import dev.fencedstate.spring.FencedStoreSettings;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Backend {@code jdbc}: every store in one PostgreSQL table ({@code fencedstate.jdbc.table}), each under its own value
 * of the table's {@code store} column (the store's name unless {@code fencedstate.stores.<store>.jdbc.store} says
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
public class JdbcStorageProvider implements FencedStorageProvider {

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

    /** The DataSource every store of this backend uses. */
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public StateStorage open(FencedStoreSettings settings) {
        String name = settings.storeName();
        JdbcStorage.Builder builder = JdbcStorage.builder(dataSource).createSchema(settings.jdbcCreateSchema());
        try {
            builder.table(settings.jdbcTable()).store(settings.jdbcStore());
        } catch (IllegalArgumentException e) {
            throw new FencedStateConfigurationException("Store '" + name + "' cannot use the jdbc backend: "
                    + sentence(e.getMessage()), "Fix fencedstate.stores." + name + ".jdbc.* or fencedstate.jdbc.*.", e);
        }
        for (JdbcStorageCustomizer customizer : customizers) {
            customizer.customize(name, builder);
        }
        try {
            return builder.build();
        } catch (StorageFailureException e) {
            // At startup: Boot's failure report should say which settings to look at, with the database's own words.
            throw new FencedStateConfigurationException("Store '" + name + "' cannot open its table "
                    + settings.jdbcTable() + " on the jdbc backend: " + sentence(e.getMessage()),
                    "Check that the DataSource (spring.datasource.*) reaches the database with a role that may use "
                    + "the table. If the tables should exist already, create them with the DDL in the "
                    + "fencedstate-jdbc README, or let fencedstate create them: fencedstate.jdbc.create-schema=true "
                    + "(or fencedstate.stores." + name + ".jdbc.create-schema).", e);
        }
    }

    /**
     * Checks a table name given by {@code property}, by fencedstate-jdbc's own rules, without connecting.
     *
     * @throws FencedStateConfigurationException naming the property, if the name is not a valid table name
     */
    public void requireValidTable(String property, String table) {
        try {
            JdbcStorage.builder(dataSource).table(table);
        } catch (IllegalArgumentException e) {
            throw invalid(property, e);
        }
    }

    /**
     * Checks a value of the table's {@code store} column given by {@code property}, without connecting.
     *
     * @throws FencedStateConfigurationException naming the property, if the value cannot be a store
     */
    public void requireValidStore(String property, String store) {
        try {
            JdbcStorage.builder(dataSource).store(store);
        } catch (IllegalArgumentException e) {
            throw invalid(property, e);
        }
    }

    private static FencedStateConfigurationException invalid(String property, IllegalArgumentException e) {
        return new FencedStateConfigurationException("Invalid " + property + ": " + sentence(e.getMessage()),
                "Change " + property + ".", e);
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
