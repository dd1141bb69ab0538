package dev.fencedstate.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What differs between databases: the text of each statement and the meaning of each error. {@link JdbcStorage}
 * binds the parameters (always in the order documented here), runs the statements and owns the protocol; a dialect
 * only says how to say it. This release ships {@link PostgresDialect} only.
 */
interface SqlDialect {

    /** A short name for messages and {@link JdbcStorage#describe()}, e.g. {@code postgresql}. */
    String name();

    /** Fails with a message saying what to change if the connected database cannot host the tables. */
    void requireSupported(Connection connection) throws SQLException;

    /**
     * Serialises schema creation and migration across every process connected to the database, until the current
     * transaction ends. One parameter: a 64-bit lock key derived from the table name.
     */
    String lockForMigration();

    /** One parameter (the schema-version table's name); returns one row whose column is null if it does not exist. */
    String tableExists();

    /** The statements that create schema version 1 from nothing; each must be idempotent. */
    List<String> createSchema(TableName table);

    /** Selects the schema version: one row, one column, from the singleton row of the schema-version table. */
    String selectSchemaVersion(TableName table);

    /** Records the schema version: one parameter, the version. Inserts or updates the singleton row. */
    String upsertSchemaVersion(TableName table);

    /**
     * Reads one record and the database clock in one statement. Parameters: store, key. Always returns exactly one row:
     * column 1 the database clock ({@code timestamptz}), then the record's columns in the order of
     * {@link #RECORD_COLUMNS}, all null if the key has no record.
     */
    String readWithClock(TableName table);

    /**
     * Inserts a record only if the key has none, as one atomic statement; affects 0 or 1 rows. Parameters: store, key,
     * then {@link #RECORD_COLUMNS}. If {@code stampCommitTime}, see {@link #updateIfRevision}.
     */
    String insertIfAbsent(TableName table, boolean stampCommitTime);

    /**
     * Replaces a record only if its revision is the expected one, as one atomic statement; affects 0 or 1 rows. It
     * sets only the columns in {@code columns}, a bit set over the indexes of {@link #RECORD_COLUMNS}, and leaves the
     * others as they are. Parameters: those columns in the order of {@link #RECORD_COLUMNS}, then store, key,
     * expected revision.
     *
     * <p>If {@code stampCommitTime}, the statement stores the database clock at the write, plus an offset, as the
     * commit time, and returns it (one row of {@code last_commit_at, last_commit_nanos} if it wrote, none if not). The
     * {@code last_commit_at} parameter is then the offset's whole microseconds (a {@code bigint}) and the
     * {@code last_commit_nanos} parameter the offset's nanoseconds past them (0-999).
     */
    String updateIfRevision(TableName table, int columns, boolean stampCommitTime);

    /** Every key of one store. Parameter: store. */
    String selectKeys(TableName table);

    /**
     * Whether a failure of a statement that reached the database leaves its outcome unknown: the connection or the
     * server went away, so the write may have been committed without the client hearing of it.
     */
    boolean outcomeUnknown(SQLException failure);

    /**
     * Whether the database refused the write because a concurrent transaction changed the row first (a serialisation
     * failure under REPEATABLE READ or SERIALIZABLE): nothing was written, exactly as if the condition had not matched.
     */
    boolean lostToConcurrentWrite(SQLException failure);

    /**
     * The record columns, in the order the statements use them. A timestamp and its nanoseconds column are always set
     * together.
     */
    List<String> RECORD_COLUMNS = List.of("format", "revision", "version", "epoch", "value", "holder",
            "lease_deadline", "lease_deadline_nanos", "last_writer", "last_commit_at", "last_commit_nanos",
            "last_commit_id");
}
