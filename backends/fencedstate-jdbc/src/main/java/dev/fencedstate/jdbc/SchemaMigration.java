package dev.fencedstate.jdbc;

import dev.fencedstate.StorageFailureException;
import dev.fencedstate.UnsupportedFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Brings the tables to {@link JdbcStorage#SCHEMA_VERSION}, or checks that they are there. Safe to run from any number
 * of processes at once: everything happens in one transaction that first takes a transaction-scoped advisory lock
 * on the table name, so concurrent starts queue up and each sees the work of the one before. (Without the lock, two
 * concurrent {@code CREATE TABLE IF NOT EXISTS} can both pass the existence check and one fails on the catalog.)
 */
final class SchemaMigration {

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final TableName table;
    private final boolean create;

    SchemaMigration(DataSource dataSource, SqlDialect dialect, TableName table, boolean create) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = table;
        this.create = create;
    }

    /**
     * Creates or migrates the tables (if {@code create}), then checks the recorded schema version.
     *
     * @throws UnsupportedFormatException if the tables were migrated by a newer release
     * @throws StorageFailureException    if the database cannot be reached or refuses, or the tables are missing and
     *                                    creating them is switched off
     */
    void run() {
        int found = migrateInOneTransaction();
        if (found > JdbcStorage.SCHEMA_VERSION) {
            throw new UnsupportedFormatException(null, "table " + table + " (the version row of "
                    + table.schemaVersions() + ")", found, JdbcStorage.SCHEMA_VERSION);
        }
    }

    private int migrateInOneTransaction() {
        try (Connection connection = dataSource.getConnection()) {
            dialect.requireSupported(connection);
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            int found;
            try {
                found = migrate(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                try {
                    connection.setAutoCommit(autoCommit);
                } catch (SQLException restoreFailed) {
                    // A broken connection fails here too; the caller needs the first error, not this one.
                    e.addSuppressed(restoreFailed);
                }
                throw e;
            }
            connection.setAutoCommit(autoCommit);
            return found;
        } catch (SQLException e) {
            throw new StorageFailureException(null, "Cannot prepare the fencedstate table " + table + " ("
                    + dialect.name() + "): " + e.getMessage() + " (SQLState " + e.getSQLState() + "). Check the "
                    + "DataSource's URL and credentials, and that the role may create tables there or that they "
                    + "exist already.", true, null, e);
        }
    }

    /** Returns the schema version found (after creating or migrating it, when allowed). */
    private int migrate(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(dialect.lockForMigration())) {
            lock.setLong(1, lockKey(table));
            lock.execute();
        }
        if (!exists(connection, table.schemaVersions())) {
            if (!create) {
                throw new SQLException("The table " + table.schemaVersions() + " does not exist and creating the "
                        + "schema is switched off. Create it with the DDL in the fencedstate-jdbc README, or let "
                        + "fencedstate create it (createSchema(true)).");
            }
            try (Statement statement = connection.createStatement()) {
                for (String ddl : dialect.createSchema(table)) {
                    statement.execute(ddl);
                }
            }
            recordVersion(connection, JdbcStorage.SCHEMA_VERSION);
            return JdbcStorage.SCHEMA_VERSION;
        }
        if (!exists(connection, table.records())) {
            throw new SQLException("The schema-version table " + table.schemaVersions() + " exists but the records "
                    + "table " + table.records() + " does not. Restore it, or drop both to start afresh.");
        }
        int found = selectVersion(connection);
        if (found < JdbcStorage.SCHEMA_VERSION && create) {
            // No release has had an older schema yet; the next schema change adds its steps here, one per version.
            recordVersion(connection, JdbcStorage.SCHEMA_VERSION);
            return JdbcStorage.SCHEMA_VERSION;
        }
        if (found < JdbcStorage.SCHEMA_VERSION) {
            throw new SQLException("The table " + table + " has schema version " + found + "; this release needs "
                    + JdbcStorage.SCHEMA_VERSION + " and creating or migrating the schema is switched off.");
        }
        return found;
    }

    private boolean exists(Connection connection, String quotedName) throws SQLException {
        try (PreparedStatement lookup = connection.prepareStatement(dialect.tableExists())) {
            lookup.setString(1, quotedName);
            try (ResultSet result = lookup.executeQuery()) {
                return result.next() && result.getObject(1) != null;
            }
        }
    }

    private int selectVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(dialect.selectSchemaVersion(table))) {
            if (!result.next()) {
                throw new SQLException("The schema-version table " + table.schemaVersions() + " has no version row. "
                        + "Insert it by hand (see the fencedstate-jdbc README) or drop both tables to start afresh.");
            }
            return result.getInt(1);
        }
    }

    private void recordVersion(Connection connection, int version) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(dialect.upsertSchemaVersion(table))) {
            upsert.setInt(1, version);
            upsert.executeUpdate();
        }
    }

    /** A stable 64-bit advisory-lock key for the table: every release and process derives the same one. */
    static long lockKey(TableName table) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("fencedstate-schema:" + table).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static void rollbackQuietly(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }
}
