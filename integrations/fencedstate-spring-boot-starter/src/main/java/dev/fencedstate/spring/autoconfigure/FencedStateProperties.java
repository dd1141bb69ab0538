package dev.fencedstate.spring.autoconfigure;

import dev.fencedstate.RetryPolicy;
import dev.fencedstate.spring.FencedStateConfigurationException;
import dev.fencedstate.spring.FencedStoreSettings;
import dev.fencedstate.spring.StoreNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of fencedstate under {@code fencedstate.*}. The global values apply to every store; a store's own values
 * under {@code fencedstate.stores.<name>.*} win over them, one setting at a time (a store that sets only
 * {@code retry.max-attempts} keeps the global backoff). A {@link dev.fencedstate.spring.FencedStoreCustomizer} bean
 * runs after both and wins over both.
 */
@ConfigurationProperties("fencedstate")
public class FencedStateProperties {

    /** Whether to auto-configure fencedstate (stores, repositories, retry, metrics, endpoint, health). */
    private boolean enabled = true;

    /**
     * Backend of stores that do not choose their own: 'files' (a directory that the processes of one host share),
     * 'memory' (this process only, lost at exit) or 'jdbc' (a PostgreSQL table that any number of hosts share; needs
     * fencedstate-jdbc and a DataSource bean). Backend modules add more ids.
     */
    private String backend = "files";

    /** Writer id recorded with commits and claims. Unset: host/pid/random, unique per process. */
    private @Nullable String writerId;

    /** Lease of claims taken without an explicit lease, and of renewals. */
    private Duration defaultLease = Duration.ofSeconds(30);

    /** Largest value a store accepts. */
    private DataSize maxValueSize = DataSize.ofMegabytes(16);

    private final Files files = new Files();

    private final Jdbc jdbc = new Jdbc();

    private final Retry retry = new Retry();

    /** Per-store settings by store name; each setting given here wins over the global one. */
    private Map<String, Store> stores = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getBackend() {
        return backend;
    }

    public void setBackend(String backend) {
        this.backend = backend;
    }

    public @Nullable String getWriterId() {
        return writerId;
    }

    public void setWriterId(@Nullable String writerId) {
        this.writerId = writerId;
    }

    public Duration getDefaultLease() {
        return defaultLease;
    }

    public void setDefaultLease(Duration defaultLease) {
        this.defaultLease = defaultLease;
    }

    public DataSize getMaxValueSize() {
        return maxValueSize;
    }

    public void setMaxValueSize(DataSize maxValueSize) {
        this.maxValueSize = maxValueSize;
    }

    public Files getFiles() {
        return files;
    }

    public Jdbc getJdbc() {
        return jdbc;
    }

    public Retry getRetry() {
        return retry;
    }

    public Map<String, Store> getStores() {
        return stores;
    }

    public void setStores(Map<String, Store> stores) {
        this.stores = stores;
    }

    /**
     * Checks what can be checked before any store is built: store names and every store's merged settings.
     *
     * @throws FencedStateConfigurationException naming the property to change
     */
    public void validate() {
        for (String name : stores.keySet()) {
            if (!StoreNames.isValid(name)) {
                throw new FencedStateConfigurationException("Invalid store name '" + name
                        + "' under fencedstate.stores.", "Rename it: store names are 1 to 64 lowercase letters, "
                        + "digits, '_' or '-', starting with a letter or digit.");
            }
        }
        stores.keySet().forEach(this::settingsFor);
    }

    /** The settings of the store named {@code storeName}: its own values where set, the global ones otherwise. */
    public FencedStoreSettings settingsFor(String storeName) {
        StoreNames.requireValid(storeName);
        Store configured = stores.get(storeName);
        Store own = configured != null ? configured : new Store();
        String prefix = "fencedstate.stores." + storeName + ".";
        String chosenBackend = firstNonNull(own.getBackend(), backend).trim().toLowerCase(Locale.ROOT);
        Duration lease = firstNonNull(own.getDefaultLease(), defaultLease);
        if (lease.isNegative() || lease.isZero()) {
            throw invalid(storeName, own.getDefaultLease() != null ? prefix + "default-lease" : "fencedstate.default-lease",
                    "must be a positive duration, was " + lease);
        }
        DataSize maxSize = firstNonNull(own.getMaxValueSize(), maxValueSize);
        if (maxSize.isNegative() || maxSize.toBytes() > Integer.MAX_VALUE) {
            throw invalid(storeName, own.getMaxValueSize() != null ? prefix + "max-value-size"
                    : "fencedstate.max-value-size", "must be between 0 and " + Integer.MAX_VALUE + " bytes, was "
                    + maxSize);
        }
        StoreRetry ownRetry = own.getRetry();
        RetryPolicy policy;
        try {
            policy = new RetryPolicy(
                    firstNonNull(ownRetry.getMaxAttempts(), retry.getMaxAttempts()),
                    firstNonNull(ownRetry.getInitialBackoff(), retry.getInitialBackoff()),
                    firstNonNull(ownRetry.getMultiplier(), retry.getMultiplier()),
                    firstNonNull(ownRetry.getMaxBackoff(), retry.getMaxBackoff()),
                    firstNonNull(ownRetry.getJitter(), retry.getJitter()));
        } catch (IllegalArgumentException e) {
            throw invalid(storeName, ownRetry.isEmpty() ? "fencedstate.retry.*" : prefix + "retry.* (over fencedstate.retry.*)",
                    e.getMessage());
        }
        Path directory = own.getFiles().getDirectory() != null
                ? Objects.requireNonNull(own.getFiles().getDirectory())
                : files.getDirectory().resolve(storeName);
        Duration lockTimeout = firstNonNull(own.getFiles().getLockTimeout(), files.getLockTimeout());
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw invalid(storeName, own.getFiles().getLockTimeout() != null ? prefix + "files.lock-timeout"
                    : "fencedstate.files.lock-timeout", "must be a positive duration, was " + lockTimeout);
        }
        StoreJdbc ownJdbc = own.getJdbc();
        return new FencedStoreSettings(storeName, chosenBackend, own.getWriterId() != null ? own.getWriterId() : writerId,
                lease, (int) maxSize.toBytes(), policy, !ownRetry.isEmpty(), directory.toAbsolutePath().normalize(),
                lockTimeout, firstNonNull(ownJdbc.getTable(), jdbc.getTable()),
                firstNonNull(ownJdbc.getStore(), storeName),
                firstNonNull(ownJdbc.getCreateSchema(), jdbc.isCreateSchema()));
    }

    /** The retry policy of {@code fencedstate.retry.*}, without any store's overrides. */
    public RetryPolicy globalRetryPolicy() {
        try {
            return new RetryPolicy(retry.getMaxAttempts(), retry.getInitialBackoff(), retry.getMultiplier(),
                    retry.getMaxBackoff(), retry.getJitter());
        } catch (IllegalArgumentException e) {
            throw new FencedStateConfigurationException("Invalid fencedstate.retry.* settings: " + e.getMessage() + ".",
                    "Change fencedstate.retry.*.");
        }
    }

    private static FencedStateConfigurationException invalid(String storeName, String property, @Nullable String why) {
        return new FencedStateConfigurationException("Invalid settings for store '" + storeName + "': " + property
                + " " + why + ".", "Change " + property + ".");
    }

    private static <T> T firstNonNull(@Nullable T own, T global) {
        return own != null ? own : global;
    }

    /** Settings of the {@code files} backend. */
    public static class Files {

        /**
         * Base directory of the files backend; each store lives in a subdirectory named after it. Relative paths
         * resolve against the working directory. Processes that should share stores must point at the same
         * directory.
         */
        private Path directory = Path.of(".fencedstate");

        /** How long a write waits for a key's file lock before failing (nothing is written then). */
        private Duration lockTimeout = Duration.ofSeconds(10);

        public Path getDirectory() {
            return directory;
        }

        public void setDirectory(Path directory) {
            this.directory = directory;
        }

        public Duration getLockTimeout() {
            return lockTimeout;
        }

        public void setLockTimeout(Duration lockTimeout) {
            this.lockTimeout = lockTimeout;
        }
    }

    /**
     * Settings of the {@code jdbc} backend (PostgreSQL, needs {@code fencedstate-jdbc} and a {@code DataSource} bean).
     * Every store on it lives in the same table, each under its own value of the table's {@code store} column.
     */
    public static class Jdbc {

        /**
         * Table holding the records of the stores on the jdbc backend: 'table' or 'schema.table', lowercase ASCII
         * letters, digits and underscores. A second table '<table>_schema' records the schema version. Every
         * application instance that should share stores must name the same table.
         */
        private String table = "fencedstate_records";

        /**
         * Whether opening a store may create or migrate the tables (idempotent, safe from many instances starting at
         * once). Switch it off where the application's database role may not run DDL; the tables must then exist.
         */
        private boolean createSchema = true;

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public boolean isCreateSchema() {
            return createSchema;
        }

        public void setCreateSchema(boolean createSchema) {
            this.createSchema = createSchema;
        }
    }

    /** How updates retry version conflicts (never fenced writes); the defaults are core's {@link RetryPolicy#DEFAULT}. */
    public static class Retry {

        /** Attempts in all for an update that meets version conflicts; 1 means no retry. */
        private int maxAttempts = 10;

        /** Wait before the second attempt, before jitter. */
        private Duration initialBackoff = Duration.ofMillis(2);

        /** Growth of the wait from one attempt to the next, at least 1. */
        private double multiplier = 2.0;

        /** Cap on any one wait, before jitter. */
        private Duration maxBackoff = Duration.ofMillis(200);

        /** Fraction of each wait that is randomised, from 0 (none) to 1 (anywhere between 0 and the wait). */
        private double jitter = 0.5;

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public double getJitter() {
            return jitter;
        }

        public void setJitter(double jitter) {
            this.jitter = jitter;
        }
    }

    /** One store's own settings; every one left unset falls back to the global setting of the same name. */
    public static class Store {

        /** Backend of this store; overrides fencedstate.backend. */
        private @Nullable String backend;

        /** Writer id of this store; overrides fencedstate.writer-id. */
        private @Nullable String writerId;

        /** Default lease of this store; overrides fencedstate.default-lease. */
        private @Nullable Duration defaultLease;

        /** Largest value this store accepts; overrides fencedstate.max-value-size. */
        private @Nullable DataSize maxValueSize;

        private final StoreFiles files = new StoreFiles();

        private final StoreJdbc jdbc = new StoreJdbc();

        private final StoreRetry retry = new StoreRetry();

        public @Nullable String getBackend() {
            return backend;
        }

        public void setBackend(@Nullable String backend) {
            this.backend = backend;
        }

        public @Nullable String getWriterId() {
            return writerId;
        }

        public void setWriterId(@Nullable String writerId) {
            this.writerId = writerId;
        }

        public @Nullable Duration getDefaultLease() {
            return defaultLease;
        }

        public void setDefaultLease(@Nullable Duration defaultLease) {
            this.defaultLease = defaultLease;
        }

        public @Nullable DataSize getMaxValueSize() {
            return maxValueSize;
        }

        public void setMaxValueSize(@Nullable DataSize maxValueSize) {
            this.maxValueSize = maxValueSize;
        }

        public StoreFiles getFiles() {
            return files;
        }

        public StoreJdbc getJdbc() {
            return jdbc;
        }

        public StoreRetry getRetry() {
            return retry;
        }
    }

    /** One store's own files-backend settings. */
    public static class StoreFiles {

        /** This store's own directory, used as is (no store-name subdirectory is added). */
        private @Nullable Path directory;

        /** This store's lock timeout; overrides fencedstate.files.lock-timeout. */
        private @Nullable Duration lockTimeout;

        public @Nullable Path getDirectory() {
            return directory;
        }

        public void setDirectory(@Nullable Path directory) {
            this.directory = directory;
        }

        public @Nullable Duration getLockTimeout() {
            return lockTimeout;
        }

        public void setLockTimeout(@Nullable Duration lockTimeout) {
            this.lockTimeout = lockTimeout;
        }
    }

    /** One store's own jdbc-backend settings. */
    public static class StoreJdbc {

        /** This store's table ('table' or 'schema.table'); overrides fencedstate.jdbc.table. */
        private @Nullable String table;

        /**
         * Value of the table's 'store' column that holds this store's keys (1 to 256 bytes of printable text).
         * Default: the store's name. Stores, in any application, with the same table and store value share keys.
         */
        private @Nullable String store;

        /** Whether opening this store may create or migrate its table; overrides fencedstate.jdbc.create-schema. */
        private @Nullable Boolean createSchema;

        public @Nullable String getTable() {
            return table;
        }

        public void setTable(@Nullable String table) {
            this.table = table;
        }

        public @Nullable String getStore() {
            return store;
        }

        public void setStore(@Nullable String store) {
            this.store = store;
        }

        public @Nullable Boolean getCreateSchema() {
            return createSchema;
        }

        public void setCreateSchema(@Nullable Boolean createSchema) {
            this.createSchema = createSchema;
        }
    }

    /** One store's own retry settings; each overrides the fencedstate.retry setting of the same name. */
    public static class StoreRetry {

        private @Nullable Integer maxAttempts;

        private @Nullable Duration initialBackoff;

        private @Nullable Double multiplier;

        private @Nullable Duration maxBackoff;

        private @Nullable Double jitter;

        boolean isEmpty() {
            return maxAttempts == null && initialBackoff == null && multiplier == null && maxBackoff == null
                    && jitter == null;
        }

        public @Nullable Integer getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(@Nullable Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public @Nullable Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(@Nullable Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public @Nullable Double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(@Nullable Double multiplier) {
            this.multiplier = multiplier;
        }

        public @Nullable Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(@Nullable Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public @Nullable Double getJitter() {
            return jitter;
        }

        public void setJitter(@Nullable Double jitter) {
            this.jitter = jitter;
        }
    }
}
