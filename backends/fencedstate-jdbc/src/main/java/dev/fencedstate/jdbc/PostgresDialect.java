package dev.fencedstate.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * PostgreSQL (12 and later): {@code INSERT ... ON CONFLICT DO NOTHING} for insert-if-absent, a single-row
 * {@code UPDATE ... WHERE revision = ?} for compare-and-set, {@code clock_timestamp()} for the lease clock and
 * {@code pg_advisory_xact_lock} to serialise schema changes.
 */
final class PostgresDialect implements SqlDialect {

    static final PostgresDialect INSTANCE = new PostgresDialect();

    /**
     * Errors after which a statement may have committed without the client hearing of it: the server terminated the
     * session (administrator command, crash of another backend, shutdown), or it failed at the system level.
     */
    private static final Set<String> OUTCOME_UNKNOWN_STATES = Set.of("57P01", "57P02", "57P03");
    private static final String SERIALIZATION_FAILURE = "40001";

    private static final String COLUMNS = String.join(", ", RECORD_COLUMNS);
    private static final String RETURNING_COMMIT_TIME = " RETURNING last_commit_at, last_commit_nanos";

    private PostgresDialect() {
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public void requireSupported(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        if (!"PostgreSQL".equals(product)) {
            throw new SQLException("The database is " + product + "; this release of fencedstate-jdbc supports "
                    + "PostgreSQL only. Point the DataSource at a PostgreSQL database.");
        }
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_setting('server_encoding')")) {
            result.next();
            String encoding = result.getString(1);
            if (!"UTF8".equals(encoding)) {
                // Keys are arbitrary Unicode; another encoding would reject or mangle some of them.
                throw new SQLException("The database encoding is " + encoding + "; fencedstate needs UTF8. Create "
                        + "the database with ENCODING 'UTF8'.");
            }
        }
    }

    @Override
    public String lockForMigration() {
        return "SELECT pg_advisory_xact_lock(?)";
    }

    @Override
    public String tableExists() {
        return "SELECT to_regclass(?)";
    }

    @Override
    public List<String> createSchema(TableName table) {
        String records = table.records();
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + records + " ("
                        + "store text NOT NULL, "
                        + "key text NOT NULL, "
                        + "format smallint NOT NULL, "
                        + "revision bigint NOT NULL, "
                        + "version bigint NOT NULL, "
                        + "epoch bigint NOT NULL, "
                        + "value bytea, "
                        + "holder text, "
                        + "lease_deadline timestamptz, "
                        + "lease_deadline_nanos smallint NOT NULL, "
                        + "last_writer text, "
                        + "last_commit_at timestamptz, "
                        + "last_commit_nanos smallint NOT NULL, "
                        + "last_commit_id text, "
                        + "PRIMARY KEY (store, key))",
                // No CHECK constraints: every write is built by StoredRecord, which enforces the invariants, and every
                // read checks them again (a row edited by hand is reported as corrupt). Checking them in the table as
                // well cost each commit about 14 us of server CPU (measured): more than the rest of its UPDATE.
                "COMMENT ON TABLE " + records + " IS 'fencedstate records: one row per (store, key); written only "
                        + "by conditional statements on revision; fencedstate checks every row it reads'",
                "COMMENT ON COLUMN " + records + ".lease_deadline_nanos IS 'nanoseconds past the microsecond of "
                        + "lease_deadline (0-999): timestamptz keeps microseconds, fencedstate keeps nanoseconds'",
                "COMMENT ON COLUMN " + records + ".last_commit_nanos IS 'nanoseconds past the microsecond of "
                        + "last_commit_at (0-999)'",
                "CREATE TABLE IF NOT EXISTS " + table.schemaVersions() + " ("
                        + "id smallint PRIMARY KEY CHECK (id = 1), "
                        + "version integer NOT NULL, "
                        + "migrated_at timestamptz NOT NULL DEFAULT clock_timestamp())");
    }

    @Override
    public String selectSchemaVersion(TableName table) {
        return "SELECT version FROM " + table.schemaVersions() + " WHERE id = 1";
    }

    @Override
    public String upsertSchemaVersion(TableName table) {
        return "INSERT INTO " + table.schemaVersions() + " (id, version) VALUES (1, ?) "
                + "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, migrated_at = clock_timestamp()";
    }

    @Override
    public String readWithClock(TableName table) {
        // The LEFT JOIN returns the clock even when the key has no row; the join condition uses the primary key.
        return "SELECT clock_timestamp(), " + RECORD_COLUMNS.stream().map(column -> "r." + column)
                .collect(Collectors.joining(", "))
                + " FROM (VALUES (1)) AS one LEFT JOIN " + table.records() + " AS r ON r.store = ? AND r.key = ?";
    }

    @Override
    public String insertIfAbsent(TableName table, boolean stampCommitTime) {
        String values = RECORD_COLUMNS.stream().map(column -> placeholder(column, stampCommitTime))
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + table.records() + " (store, key, " + COLUMNS + ") VALUES (?, ?, " + values
                + ") ON CONFLICT (store, key) DO NOTHING" + (stampCommitTime ? RETURNING_COMMIT_TIME : "");
    }

    @Override
    public String updateIfRevision(TableName table, int columns, boolean stampCommitTime) {
        StringBuilder assignments = new StringBuilder();
        for (int i = 0; i < RECORD_COLUMNS.size(); i++) {
            if ((columns & (1 << i)) != 0) {
                String column = RECORD_COLUMNS.get(i);
                assignments.append(assignments.isEmpty() ? "" : ", ").append(column).append(" = ")
                        .append(placeholder(column, stampCommitTime));
            }
        }
        return "UPDATE " + table.records() + " SET " + assignments + " WHERE store = ? AND key = ? AND revision = ?"
                + (stampCommitTime ? RETURNING_COMMIT_TIME : "");
    }

    /**
     * A column's parameter. A stamped commit time is the database clock when the row is written (clock_timestamp(),
     * not now(): the statement's own transaction may have waited for a row lock) plus the offset bound there.
     */
    private static String placeholder(String column, boolean stampCommitTime) {
        return stampCommitTime && column.equals("last_commit_at")
                ? "clock_timestamp() + ?::float8 * interval '1 microsecond'"
                : "?";
    }

    @Override
    public String selectKeys(TableName table) {
        return "SELECT key FROM " + table.records() + " WHERE store = ?";
    }

    @Override
    public boolean outcomeUnknown(SQLException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof SQLRecoverableException || cause instanceof java.io.IOException) {
                return true;
            }
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state == null // the driver got no answer at all
                        || state.startsWith("08") // connection exception
                        || OUTCOME_UNKNOWN_STATES.contains(state)
                        || state.startsWith("58") // system error (I/O) in the server
                        || state.startsWith("XX")) { // internal error
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean lostToConcurrentWrite(SQLException failure) {
        return SERIALIZATION_FAILURE.equals(failure.getSQLState());
    }
}
