package dev.fencedstate.benchmarks;

import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.FencedStoreListener.CommitOutcome;
import dev.fencedstate.Snapshot;
import dev.fencedstate.jdbc.JdbcStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The bodies of the PostgreSQL benchmarks, written once for {@link PostgresCommitBenchmark},
 * {@link PostgresHotKeyBenchmark}, {@link PostgresInterleavedComparison} and their test. Every variant runs on the one
 * {@link DataSource} it is given, so that they share the server, the pool and its connections.
 *
 * <p>One instance is one trial: its keys, its fencedstate store (a namespace in the records table) and its lock key are
 * prefixed with a fresh id, so trials never see each other's rows; {@link #close()} deletes them.
 *
 * <ul>
 *   <li><b>fenced commit</b>: {@link FencedStore#read} then {@link FencedStore#commit} over {@link JdbcStorage}.</li>
 *   <li><b>bare update</b>: what a hand-rolled optimistic write does on a plain table {@code (key, value, version)}:
 *       {@code SELECT value, version} then {@code UPDATE ... SET value = ?, version = version + 1 WHERE key = ? AND
 *       version = ?}, each statement in autocommit on a connection borrowed for it (as {@code JdbcTemplate} does).</li>
 *   <li><b>fenced hot-key update</b>: {@link FencedStore#update} of a counter in one key.</li>
 *   <li><b>locked hot-key update</b>: Spring Integration's {@link JdbcLockRegistry} (with its
 *       {@link DefaultLockRepository} and the {@code INT_LOCK} table from the DDL shipped in its jar): obtain the lock,
 *       read the counter row, update it, unlock.</li>
 * </ul>
 */
final class PostgresWorkloads implements AutoCloseable {

    /** fencedstate's records table for the benchmarks (created by {@link JdbcStorage}). */
    static final String FENCED_TABLE = "fencedstate_bench";
    /** The plain table of the bare update and of the lock-registry counter. */
    static final String PLAIN_TABLE = "fencedstate_bench_plain";
    /** The region of the benchmark's rows in {@code INT_LOCK}. */
    static final String LOCK_REGION = "fencedstate-bench";
    static final String HOT_KEY = "hot-counter";

    /** Where Spring Integration ships its PostgreSQL DDL (message store, metadata store and the lock table). */
    static final String SPRING_INTEGRATION_DDL = "org/springframework/integration/jdbc/schema-postgresql.sql";

    private static final String SELECT_PLAIN = "SELECT value, version FROM " + PLAIN_TABLE + " WHERE key = ?";
    private static final String UPDATE_PLAIN_IF_VERSION = "UPDATE " + PLAIN_TABLE
            + " SET value = ?, version = version + 1 WHERE key = ? AND version = ?";
    private static final String UPDATE_PLAIN = "UPDATE " + PLAIN_TABLE
            + " SET value = ?, version = version + 1 WHERE key = ?";
    private static final String INSERT_PLAIN = "INSERT INTO " + PLAIN_TABLE + " (key, value, version) VALUES (?, ?, 1) "
            + "ON CONFLICT (key) DO NOTHING";

    private final DataSource dataSource;
    private final String trial;
    private final int valueBytes;
    private final byte[] hotTemplate;
    private final FencedStore store;
    private final LongAdder fencedConflicts = new LongAdder();
    /** Time in {@code JdbcStorage}'s SPI calls, to split a fenced commit into its statements and the rest. */
    final TimingStorage fencedTiming;
    /** Time in the bare update's two statements (connection borrowing included, as in the storage's calls). */
    final LongAdder bareSelectNanos = new LongAdder();
    final LongAdder bareUpdateNanos = new LongAdder();

    /** Creates the tables if needed (safe when several processes start at once) and this trial's hot-key rows. */
    PostgresWorkloads(DataSource dataSource, int valueBytes) {
        this.dataSource = dataSource;
        this.trial = UUID.randomUUID().toString().substring(0, 8);
        this.valueBytes = valueBytes;
        this.hotTemplate = Values.template(valueBytes, 42);
        createPlainAndLockTables(dataSource);
        FencedStoreListener countConflicts = new FencedStoreListener() {
            @Override
            public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
                if (outcome == CommitOutcome.CONFLICT) {
                    fencedConflicts.increment();
                }
            }
        };
        this.fencedTiming = new TimingStorage(
                JdbcStorage.builder(dataSource).table(FENCED_TABLE).store("bench-" + trial).build());
        this.store = FencedStore.builder(fencedTiming).name("bench").writerId("bench-" + trial).listener(countConflicts)
                .build();
        // Both hot counters start at 0 in a row that exists, so every measured operation is an update.
        store.commit(store.read(HOT_KEY), Values.withCounter(hotTemplate, 0));
        insertPlainRow(plainKey(HOT_KEY), Values.withCounter(hotTemplate, 0));
    }

    int valueBytes() {
        return valueBytes;
    }

    FencedStore store() {
        return store;
    }

    /** Commits that lost to a concurrent commit (each cost the loser another read-compute-commit). */
    long fencedConflicts() {
        return fencedConflicts.sum();
    }

    /** The bytes writer {@code threadIndex} writes, with its counter to stamp. */
    byte[] writerTemplate(int threadIndex) {
        return Values.template(valueBytes, threadIndex);
    }

    /**
     * Writes the first version of {@code key} both ways, so that the measured writes are all updates of an existing
     * row (the steady state of a key an application keeps writing).
     */
    void prepareKey(String key, byte[] firstValue) {
        store.commit(store.read(key), firstValue);
        insertPlainRow(plainKey(key), firstValue);
    }

    // ---------------------------------------------------------------- one writer per key

    /** A fenced commit: read the key, then commit against that snapshot. Three statements: read, read, update. */
    Snapshot fencedCommit(String key, byte[] value) {
        Snapshot base = store.read(key);
        return store.commit(base, value);
    }

    /**
     * A hand-rolled optimistic write of the same bytes: read the value and its version, then update only if the
     * version is still the one read. Two statements. Returns the version written.
     */
    long bareUpdate(String key, byte[] value) {
        String row = plainKey(key);
        long version;
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(SELECT_PLAIN)) {
            select.setString(1, row);
            try (ResultSet result = select.executeQuery()) {
                if (!result.next()) {
                    throw new IllegalStateException("no row for key '" + row + "': prepareKey was not called");
                }
                result.getBytes(1); // the value an application would compute the new one from
                version = result.getLong(2);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("bare read of '" + row + "' failed", e);
        }
        long read = System.nanoTime();
        bareSelectNanos.add(read - started);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(UPDATE_PLAIN_IF_VERSION)) {
            update.setBytes(1, value);
            update.setString(2, row);
            update.setLong(3, version);
            if (update.executeUpdate() != 1) {
                // Each writer owns its key, so this cannot happen unless the benchmark itself is wrong.
                throw new IllegalStateException("the bare update of '" + row + "' at version " + version
                        + " changed no row: another writer wrote the key");
            }
            return version + 1;
        } catch (SQLException e) {
            throw new IllegalStateException("bare update of '" + row + "' failed", e);
        } finally {
            bareUpdateNanos.add(System.nanoTime() - read);
        }
    }

    /** The version and counter of {@code key} in the plain table. */
    long[] bareVersionAndCounter(String key) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(SELECT_PLAIN)) {
            select.setString(1, plainKey(key));
            try (ResultSet result = select.executeQuery()) {
                if (!result.next()) {
                    throw new IllegalStateException("no row for key '" + plainKey(key) + "'");
                }
                return new long[] {result.getLong(2), Values.counterOf(result.getBytes(1))};
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading '" + plainKey(key) + "' failed", e);
        }
    }

    // ---------------------------------------------------------------- eight writers, one key

    /** The next value of the fenced hot counter, computed from the snapshot {@code update} read. */
    byte[] incremented(Snapshot base) {
        return Values.withCounter(hotTemplate, Values.counterOf(base.value().orElse(null)) + 1);
    }

    /**
     * One increment of the hot counter in the plain table under a {@link JdbcLockRegistry} lock: lock, read, update,
     * unlock. The update has no version check: the lock is the only guard (which is the point of using one).
     *
     * @throws java.util.ConcurrentModificationException from {@code unlock()} if the lock expired in the database
     *         while held (the increment was written, without the lock's protection)
     */
    void lockedIncrement(Lock lock) {
        lock.lock();
        try {
            String row = plainKey(HOT_KEY);
            byte[] current;
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement select = connection.prepareStatement(SELECT_PLAIN)) {
                select.setString(1, row);
                try (ResultSet result = select.executeQuery()) {
                    if (!result.next()) {
                        throw new IllegalStateException("no row for the hot counter '" + row + "'");
                    }
                    current = result.getBytes(1);
                }
            }
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement update = connection.prepareStatement(UPDATE_PLAIN)) {
                update.setBytes(1, Values.withCounter(hotTemplate, Values.counterOf(current) + 1));
                update.setString(2, row);
                if (update.executeUpdate() != 1) {
                    throw new IllegalStateException("the hot counter row '" + row + "' is gone");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("locked increment failed", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A lock client as one application instance has it: its own {@link DefaultLockRepository} (its own client id in
     * {@code INT_LOCK}) and {@link JdbcLockRegistry}, both with their defaults (10 s time-to-live, 100 ms between tries
     * while another client holds the lock), over the shared pool. Outside a Spring context the repository needs its
     * transaction manager and its two initialisation callbacks called by hand.
     */
    LockClient newLockClient() {
        DefaultLockRepository repository = new DefaultLockRepository(dataSource);
        repository.setRegion(LOCK_REGION);
        repository.setTransactionManager(new DataSourceTransactionManager(dataSource));
        repository.afterPropertiesSet();
        repository.afterSingletonsInstantiated();
        return new LockClient(repository, new JdbcLockRegistry(repository), trial + "/" + HOT_KEY);
    }

    /** One instance's lock registry; {@link #close()} deletes whatever locks it still holds. */
    record LockClient(DefaultLockRepository repository, JdbcLockRegistry registry, String lockKey)
            implements AutoCloseable {

        /** The lock of this trial's hot key (the registry hands out the same lock object for the same key). */
        DistributedLock hotKeyLock() {
            return registry.obtain(lockKey);
        }

        @Override
        public void close() {
            repository.close();
        }
    }

    void resetTimings() {
        fencedTiming.reset();
        bareSelectNanos.reset();
        bareUpdateNanos.reset();
    }

    long fencedCounter() {
        return Values.counterOf(store.read(HOT_KEY).value().orElse(null));
    }

    long fencedVersion(String key) {
        return store.read(key).version();
    }

    long lockedCounter() {
        return bareVersionAndCounter(HOT_KEY)[1];
    }

    /** Writes the lock-guarded counter as a lock holder does after reading it: an unconditional update. */
    void writeLockedCounter(long counter) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(UPDATE_PLAIN)) {
            update.setBytes(1, Values.withCounter(hotTemplate, counter));
            update.setString(2, plainKey(HOT_KEY));
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("the hot counter row is gone");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("writing the locked counter failed", e);
        }
    }

    // ---------------------------------------------------------------- set-up and clean-up

    /** Deletes this trial's rows: its fencedstate store, its plain rows and any lock row left on its key. */
    @Override
    public void close() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement records = connection.prepareStatement(
                        "DELETE FROM " + FENCED_TABLE + " WHERE store = ?");
                PreparedStatement plain = connection.prepareStatement(
                        "DELETE FROM " + PLAIN_TABLE + " WHERE key LIKE ?")) {
            records.setString(1, "bench-" + trial);
            records.executeUpdate();
            plain.setString(1, trial + "/%");
            plain.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cleaning up trial " + trial + " failed", e);
        } finally {
            store.close();
        }
    }

    String plainKey(String key) {
        return trial + "/" + key;
    }

    private void insertPlainRow(String row, byte[] value) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(INSERT_PLAIN)) {
            insert.setString(1, row);
            insert.setBytes(2, value);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("inserting '" + row + "' failed", e);
        }
    }

    /**
     * Creates the plain table and Spring Integration's {@code INT_LOCK} table, using the {@code CREATE TABLE INT_LOCK}
     * statement exactly as shipped in its jar (made {@code IF NOT EXISTS}; the rest of that script is for other
     * stores). An advisory lock serialises concurrent creators: PostgreSQL's {@code IF NOT EXISTS} alone can fail when
     * two sessions create the same table at once.
     */
    static void createPlainAndLockTables(DataSource dataSource) {
        String lockTable = intLockDdl().replaceFirst("(?i)^CREATE TABLE INT_LOCK", "CREATE TABLE IF NOT EXISTS INT_LOCK");
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(hashtext('fencedstate-benchmarks-schema'))");
                statement.execute("CREATE TABLE IF NOT EXISTS " + PLAIN_TABLE
                        + " (key text PRIMARY KEY, value bytea NOT NULL, version bigint NOT NULL)");
                statement.execute(lockTable);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("creating the benchmark tables failed", e);
        }
    }

    /** The {@code CREATE TABLE INT_LOCK} statement of the DDL in the spring-integration-jdbc jar. */
    static String intLockDdl() {
        String script;
        try (InputStream in = JdbcLockRegistry.class.getClassLoader().getResourceAsStream(SPRING_INTEGRATION_DDL)) {
            if (in == null) {
                throw new IllegalStateException(SPRING_INTEGRATION_DDL + " is not on the class path");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Arrays.stream(script.split(";")).map(String::strip)
                .filter(statement -> statement.toUpperCase(Locale.ROOT).startsWith("CREATE TABLE INT_LOCK"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no CREATE TABLE INT_LOCK in " + SPRING_INTEGRATION_DDL));
    }
}
