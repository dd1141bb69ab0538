package dev.fencedstate.jdbc;

import dev.fencedstate.CorruptStateException;
import dev.fencedstate.Keys;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.UnsupportedFormatException;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link StateStorage} in one table of a PostgreSQL database, reached through any {@link DataSource}: every process
 * on every host that points at the same table (and store) shares the same keys, safely.
 *
 * <pre>{@code
 * StateStorage storage = JdbcStorage.builder(dataSource)   // e.g. a HikariCP pool
 *         .table("fencedstate_records")                      // the default; "schema.table" also works
 *         .store("agents")                                   // a namespace: many stores share one table
 *         .build();                                          // creates or checks the tables
 * FencedStore store = FencedStore.builder(storage).name("agents").build();
 * }</pre>
 *
 * <h2>Why it is safe</h2>
 * <ul>
 *   <li><b>One conditional statement per write.</b> Insert-if-absent is {@code INSERT ... ON CONFLICT DO NOTHING};
 *       compare-and-set is {@code UPDATE ... WHERE store = ? AND key = ? AND revision = ?}, setting only the columns
 *       that change. The database runs each
 *       atomically, so of any number of concurrent writers from the same revision exactly one changes the row.
 *       {@link dev.fencedstate.FencedStore} checks version and epoch on the record it read and then requires that
 *       exact revision, so those checks are atomic with the write.</li>
 *   <li><b>The database is the clock.</b> {@link #read} returns the record together with {@code clock_timestamp()}
 *       from the same statement, and lease deadlines are computed from it. A host with a skewed clock can neither
 *       keep an expired lease nor take a live one: its own clock is never consulted. A commit's time is the
 *       database clock when its row is written, returned by the same statement.</li>
 *   <li><b>Autocommit, durable on return.</b> Each statement is its own transaction; a write that returned
 *       its record was committed (and is as durable as the server's {@code synchronous_commit} makes it).</li>
 *   <li><b>Failures say whether the write happened.</b> Any {@link SQLException} becomes a
 *       {@link StorageFailureException}. If it happened before the statement was sent, or the server answered with an
 *       error, nothing was written ({@code outcomeKnown = true}). If the connection broke or the session was
 *       terminated while the statement was in flight, the write may have committed ({@code outcomeKnown = false}):
 *       read the key and compare its commit id with {@link StorageFailureException#commitId()}.</li>
 *   <li><b>Nothing is interpolated but the validated table name.</b> Every value is a bind parameter; the table name
 *       must be a plain lowercase identifier, optionally schema-qualified.</li>
 *   <li><b>Versioned schema.</b> The tables are created and migrated idempotently under an advisory lock, so many
 *       instances may start at once; a schema or record written by a newer release is refused with
 *       {@link UnsupportedFormatException} and left untouched.</li>
 * </ul>
 *
 * <p>The storage borrows one connection per operation and returns it at once; it never holds a transaction open.
 * Give it a plain pool, not a transaction-aware proxy: its statements must not join a caller's transaction.
 * {@link #close()} does not close the DataSource, which belongs to the caller.
 */
public final class JdbcStorage implements StateStorage {

    /** The schema version this release creates and reads. */
    public static final int SCHEMA_VERSION = 1;
    /** The record format this release writes and reads (the {@code format} column). */
    public static final int RECORD_FORMAT = 1;
    public static final String DEFAULT_TABLE = "fencedstate_records";
    public static final String DEFAULT_STORE = "default";

    private static final int MAX_STORE_BYTES = 256;

    // Indexes into SqlDialect.RECORD_COLUMNS; each instant column is followed by its nanoseconds column.
    private static final int COLUMN_FORMAT = 0;
    private static final int COLUMN_REVISION = 1;
    private static final int COLUMN_VERSION = 2;
    private static final int COLUMN_EPOCH = 3;
    private static final int COLUMN_VALUE = 4;
    private static final int COLUMN_HOLDER = 5;
    private static final int COLUMN_LEASE_DEADLINE = 6;
    private static final int COLUMN_LAST_WRITER = 8;
    private static final int COLUMN_LAST_COMMIT_AT = 9;
    private static final int COLUMN_LAST_COMMIT_ID = 11;
    private static final int ALL_COLUMNS = (1 << SqlDialect.RECORD_COLUMNS.size()) - 1;

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final TableName table;
    private final String store;
    private final Supplier<Duration> clockOffset;
    private final String readSql;
    private final String insertSql;
    private final String insertCommitSql;
    /** Update statements by the columns they set and whether they stamp the commit time; built on first use. */
    private final ConcurrentMap<Integer, String> updateSql = new ConcurrentHashMap<>();
    private final String keysSql;

    private JdbcStorage(Builder builder, SqlDialect dialect) {
        this.dataSource = builder.dataSource;
        this.dialect = dialect;
        this.table = builder.table;
        this.store = builder.store;
        this.clockOffset = builder.clockOffset;
        this.readSql = dialect.readWithClock(table);
        this.insertSql = dialect.insertIfAbsent(table, false);
        this.insertCommitSql = dialect.insertIfAbsent(table, true);
        this.keysSql = dialect.selectKeys(table);
    }

    /** Opens the default table and store over {@code dataSource}, creating the tables if needed. */
    public static JdbcStorage open(DataSource dataSource) {
        return builder(dataSource).build();
    }

    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The records table, as configured ({@code table} or {@code schema.table}). */
    public String table() {
        return table.toString();
    }

    /** The store (namespace) within the table whose keys this storage sees. */
    public String store() {
        return store;
    }

    // ---------------------------------------------------------------- the SPI

    @Override
    public StorageRead read(String key) {
        Borrowed borrowed = null;
        try {
            borrowed = borrow();
            PreparedStatement statement = borrowed.prepare(readSql);
            statement.setString(1, store);
            statement.setString(2, key);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("the read returned no row; expected exactly one");
                }
                Instant databaseNow = row.getObject(1, OffsetDateTime.class).toInstant();
                return new StorageRead(decode(key, row), databaseNow.plus(clockOffset.get()));
            }
        } catch (SQLException e) {
            throw new StorageFailureException(key, "Reading key '" + Keys.printable(key) + "' from " + describe()
                    + " failed: " + describeFailure(e) + ". Nothing was written.", true, null, e);
        } finally {
            Borrowed.release(borrowed);
        }
    }

    @Override
    public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected, StoredRecord replacement) {
        String key = replacement.key();
        boolean stamp = replacement.awaitsCommitTime();
        if (expected != null && !expected.key().equals(key)) {
            throw new IllegalArgumentException("expected and replacement are records of different keys");
        }
        Borrowed borrowed = null;
        boolean sent = false;
        try {
            borrowed = borrow();
            PreparedStatement statement;
            Duration offset = stamp ? clockOffset.get() : Duration.ZERO;
            if (expected == null) {
                statement = borrowed.prepare(stamp ? insertCommitSql : insertSql);
                statement.setString(1, store);
                statement.setString(2, key);
                bindRecord(statement, 3, replacement, ALL_COLUMNS, offset);
            } else {
                int columns = changedColumns(expected, replacement);
                statement = borrowed.prepare(updateSql.computeIfAbsent(columns << 1 | (stamp ? 1 : 0),
                        ignored -> dialect.updateIfRevision(table, columns, stamp)));
                int next = bindRecord(statement, 1, replacement, columns, offset);
                statement.setString(next, store);
                statement.setString(next + 1, key);
                statement.setLong(next + 2, expected.revision());
            }
            sent = true;
            if (!stamp) {
                return statement.executeUpdate() == 1 ? replacement : null;
            }
            try (ResultSet written = statement.executeQuery()) {
                return written.next() ? replacement.withCommitTime(Objects.requireNonNull(instant(written, 1))) : null;
            }
        } catch (SQLException e) {
            if (sent && dialect.lostToConcurrentWrite(e)) {
                return null; // the database refused it for a concurrent change: nothing written, as a lost CAS
            }
            boolean outcomeKnown = !sent || !dialect.outcomeUnknown(e);
            throw writeFailure(key, outcomeKnown, e);
        } catch (RuntimeException e) {
            // A driver bug or a value the driver cannot bind. Before sending, nothing was written.
            throw writeFailure(key, !sent, e);
        } finally {
            Borrowed.release(borrowed);
        }
    }

    @Override
    public List<String> keys() {
        Borrowed borrowed = null;
        try {
            borrowed = borrow();
            PreparedStatement statement = borrowed.prepare(keysSql);
            statement.setString(1, store);
            List<String> keys = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
            }
            // Sorted here, not by ORDER BY: Java's String order (UTF-16) is the contract, whatever the collation.
            keys.sort(null);
            return keys;
        } catch (SQLException e) {
            throw new StorageFailureException(null, "Listing the keys of " + describe() + " failed: "
                    + describeFailure(e) + ".", true, null, e);
        } finally {
            Borrowed.release(borrowed);
        }
    }

    @Override
    public String describe() {
        return dialect.name() + ":" + table + "[store=" + Keys.printable(store) + "]";
    }

    /** Does nothing: the DataSource belongs to the caller, who closes it. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "JdbcStorage[" + describe() + "]";
    }

    // ---------------------------------------------------------------- rows

    /**
     * The columns an update must set to turn {@code expected} into {@code replacement}, as a bit set over
     * {@link SqlDialect#RECORD_COLUMNS}: the others already hold the right values, since the update applies only if the
     * row is still {@code expected}. Sending less is cheaper for client and server alike; above all, claims, renewals
     * and releases carry the value over unchanged (the very array this storage read), and a possibly large value is
     * not sent back. The format is always set, so a row of an older format is rewritten in the current one.
     */
    private static int changedColumns(StoredRecord expected, StoredRecord replacement) {
        int columns = column(COLUMN_FORMAT) | column(COLUMN_REVISION);
        if (replacement.version() != expected.version()) {
            columns |= column(COLUMN_VERSION);
        }
        if (replacement.epoch() != expected.epoch()) {
            columns |= column(COLUMN_EPOCH);
        }
        if (replacement.value() != expected.value()) {
            columns |= column(COLUMN_VALUE);
        }
        if (!Objects.equals(replacement.holder(), expected.holder())) {
            columns |= column(COLUMN_HOLDER);
        }
        if (!Objects.equals(replacement.leaseDeadline(), expected.leaseDeadline())) {
            columns |= column(COLUMN_LEASE_DEADLINE) | column(COLUMN_LEASE_DEADLINE + 1);
        }
        if (!Objects.equals(replacement.lastWriter(), expected.lastWriter())) {
            columns |= column(COLUMN_LAST_WRITER);
        }
        if (replacement.awaitsCommitTime() || !Objects.equals(replacement.lastCommitAt(), expected.lastCommitAt())) {
            columns |= column(COLUMN_LAST_COMMIT_AT) | column(COLUMN_LAST_COMMIT_AT + 1);
        }
        if (!Objects.equals(replacement.lastCommitId(), expected.lastCommitId())) {
            columns |= column(COLUMN_LAST_COMMIT_ID);
        }
        return columns;
    }

    private static int column(int index) {
        return 1 << index;
    }

    /**
     * Binds the {@code columns} (a bit set over {@link SqlDialect#RECORD_COLUMNS}) of {@code record}, in that order;
     * returns the next parameter index. A record that {@linkplain StoredRecord#awaitsCommitTime() awaits its commit
     * time} binds {@code clockOffset} for the commit time instead, for the statement to add to the database clock.
     */
    private static int bindRecord(PreparedStatement statement, int first, StoredRecord record, int columns,
            Duration clockOffset) throws SQLException {
        int i = first;
        for (int column = 0; column < SqlDialect.RECORD_COLUMNS.size(); column++) {
            if ((columns & column(column)) == 0) {
                continue;
            }
            switch (column) {
                case COLUMN_FORMAT -> statement.setShort(i++, (short) RECORD_FORMAT);
                case COLUMN_REVISION -> statement.setLong(i++, record.revision());
                case COLUMN_VERSION -> statement.setLong(i++, record.version());
                case COLUMN_EPOCH -> statement.setLong(i++, record.epoch());
                case COLUMN_VALUE -> statement.setBytes(i++, record.value());
                case COLUMN_HOLDER -> statement.setString(i++, record.holder());
                case COLUMN_LEASE_DEADLINE -> i = bindInstant(statement, i, record.leaseDeadline());
                case COLUMN_LAST_WRITER -> statement.setString(i++, record.lastWriter());
                case COLUMN_LAST_COMMIT_AT -> {
                    if (record.awaitsCommitTime()) {
                        long nanos = clockOffset.toNanos();
                        statement.setLong(i++, Math.floorDiv(nanos, 1000));
                        statement.setShort(i++, (short) Math.floorMod(nanos, 1000));
                    } else {
                        i = bindInstant(statement, i, record.lastCommitAt());
                    }
                }
                case COLUMN_LAST_COMMIT_ID -> statement.setString(i++, record.lastCommitId());
                default -> {
                    // the nanoseconds column of an instant, bound with it just before
                }
            }
        }
        return i;
    }

    /**
     * An instant is two columns: a {@code timestamptz} (microseconds, readable in SQL) and the nanoseconds past that
     * microsecond, so every instant round-trips exactly.
     */
    private static int bindInstant(PreparedStatement statement, int index, @Nullable Instant instant)
            throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
            statement.setShort(index + 1, (short) 0);
        } else {
            // Truncate, never round: the driver would round 999,999,999 ns up into the next second.
            OffsetDateTime micros = OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
            statement.setObject(index, micros);
            statement.setShort(index + 1, (short) (instant.getNano() % 1000));
        }
        return index + 2;
    }

    private static @Nullable Instant instant(ResultSet row, int index) throws SQLException {
        OffsetDateTime micros = row.getObject(index, OffsetDateTime.class);
        int nanos = row.getShort(index + 1);
        if (nanos < 0 || nanos > 999) {
            throw new IllegalArgumentException(row.getMetaData().getColumnName(index + 1) + " is " + nanos
                    + ", not a count of nanoseconds past a microsecond (0-999)");
        }
        return micros == null ? null : micros.toInstant().plusNanos(nanos);
    }

    /** Decodes the record columns of a {@link SqlDialect#readWithClock} row (from column 2), or null if absent. */
    private @Nullable StoredRecord decode(String key, ResultSet row) throws SQLException {
        int format = row.getShort(2);
        if (row.wasNull()) {
            return null;
        }
        if (format > RECORD_FORMAT) {
            throw new UnsupportedFormatException(key, location(key), format, RECORD_FORMAT);
        }
        if (format < 1) {
            throw new CorruptStateException(key, location(key), "record format " + format + " is not one "
                    + "fencedstate ever wrote", null);
        }
        try {
            return new StoredRecord(key, row.getLong(3), row.getLong(4), row.getLong(5), row.getBytes(6),
                    row.getString(7), instant(row, 8), row.getString(10), instant(row, 11), row.getString(13));
        } catch (IllegalArgumentException e) {
            // StoredRecord's own check says what is wrong with the row.
            throw new CorruptStateException(key, location(key), Objects.requireNonNullElse(e.getMessage(),
                    e.toString()), e);
        }
    }

    private String location(String key) {
        return "table " + table + ", row store='" + Keys.printable(store) + "' key='" + Keys.printable(key) + "'";
    }

    // ---------------------------------------------------------------- connections and failures

    private Borrowed borrow() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            boolean switched = !connection.getAutoCommit();
            if (switched) {
                // Each statement must be its own transaction: committed when it returns, never left open.
                connection.setAutoCommit(true);
            }
            return new Borrowed(connection, switched);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** A connection borrowed for one operation, given back as it was lent. */
    private static final class Borrowed {
        final Connection connection;
        private final boolean restoreManualCommit;
        private @Nullable PreparedStatement statement;

        Borrowed(Connection connection, boolean restoreManualCommit) {
            this.connection = connection;
            this.restoreManualCommit = restoreManualCommit;
        }

        PreparedStatement prepare(String sql) throws SQLException {
            statement = connection.prepareStatement(sql);
            return statement;
        }

        /**
         * Gives the connection back quietly: a failure here, after the statement ran, must not turn a committed write
         * into an error (a pool discards a broken connection by itself).
         */
        static void release(@Nullable Borrowed borrowed) {
            if (borrowed == null) {
                return;
            }
            try {
                if (borrowed.statement != null) {
                    borrowed.statement.close();
                }
                if (borrowed.restoreManualCommit) {
                    borrowed.connection.setAutoCommit(false);
                }
            } catch (SQLException | RuntimeException ignored) {
                // the connection is closed next, which is all that matters now
            }
            closeQuietly(borrowed.connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException ignored) {
            // nothing to do: the outcome was decided before; a pool drops a broken connection by itself
        }
    }

    private StorageFailureException writeFailure(String key, boolean outcomeKnown, Exception cause) {
        String what = outcomeKnown
                ? "Nothing was written."
                : "The connection or the session was lost while the write was in flight, so it may or may not have "
                        + "been committed: read the key and compare its commit id with this failure's commit id.";
        return new StorageFailureException(key, "Writing key '" + Keys.printable(key) + "' to " + describe()
                + " failed: " + (cause instanceof SQLException sql ? describeFailure(sql) : cause.toString()) + ". "
                + what, outcomeKnown, null, cause);
    }

    private static String describeFailure(SQLException e) {
        return e.getMessage() + " (SQLState " + e.getSQLState() + ")";
    }

    /**
     * Builds a {@link JdbcStorage}. Only the DataSource is required; {@link #build()} connects once to create or check
     * the tables.
     */
    public static final class Builder {

        private final DataSource dataSource;
        private TableName table = TableName.parse(DEFAULT_TABLE);
        private String store = DEFAULT_STORE;
        private boolean createSchema = true;
        private Supplier<Duration> clockOffset = () -> Duration.ZERO;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * The records table, {@code table} or {@code schema.table}: lowercase ASCII letters, digits and underscores,
         * starting with a letter or underscore, at most 56 characters (63 for the schema). A second table named
         * {@code <table>_schema} records the schema version. Default {@value JdbcStorage#DEFAULT_TABLE}.
         *
         * @throws IllegalArgumentException if the name is not such an identifier
         */
        public Builder table(String table) {
            this.table = TableName.parse(table);
            return this;
        }

        /**
         * The namespace of this storage's keys in the table: storages with different stores share the table but
         * never see each other's keys. 1 to 256 bytes of printable text. Default {@value JdbcStorage#DEFAULT_STORE}.
         */
        public Builder store(String store) {
            Objects.requireNonNull(store, "store");
            if (store.isEmpty() || store.getBytes(StandardCharsets.UTF_8).length > MAX_STORE_BYTES
                    || store.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("store must be 1 to " + MAX_STORE_BYTES
                        + " bytes of printable text, was '" + Keys.printable(store) + "'");
            }
            this.store = store;
            return this;
        }

        /**
         * Whether {@link #build()} may create or migrate the tables (default {@code true}). Switch it off where the
         * application's role may not run DDL; the tables must then exist at the current schema version.
         */
        public Builder createSchema(boolean createSchema) {
            this.createSchema = createSchema;
            return this;
        }

        /**
         * <b>For tests only</b>: an offset added to the database clock on every read, so a test can move lease time
         * forward without waiting. The clock is still the database's; never set this in production.
         */
        public Builder clockOffset(Supplier<Duration> clockOffset) {
            this.clockOffset = Objects.requireNonNull(clockOffset, "clockOffset");
            return this;
        }

        /**
         * Creates or migrates the tables (if allowed) and checks their schema version.
         *
         * @throws StorageFailureException    if the database cannot be reached, is not PostgreSQL with UTF8 encoding,
         *                                    or the tables are missing and may not be created
         * @throws UnsupportedFormatException if a newer release migrated the tables
         */
        public JdbcStorage build() {
            SqlDialect dialect = PostgresDialect.INSTANCE;
            new SchemaMigration(dataSource, dialect, table, createSchema).run();
            return new JdbcStorage(this, dialect);
        }
    }
}
