package dev.fencedstate.spring.boot.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL server the starter's jdbc tests run against: an embedded PostgreSQL 17 started once per test JVM
 * (every test class shares it), or, when {@value #URL_ENV} is set, an external server ({@value #USER_ENV},
 * {@value #PASSWORD_ENV}), the same variables as fencedstate-jdbc's tests. Tests keep apart by using their own tables.
 */
public final class TestPostgres {

    public static final String URL_ENV = "FENCEDSTATE_TEST_JDBC_URL";
    public static final String USER_ENV = "FENCEDSTATE_TEST_JDBC_USER";
    public static final String PASSWORD_ENV = "FENCEDSTATE_TEST_JDBC_PASSWORD";

    private static Server server;

    private TestPostgres() {
    }

    /** How to reach the server. */
    public record Server(String url, String user, String password) {

        public Server {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        /** The {@code spring.datasource.*} properties that point Boot's DataSource at this server, with a small pool. */
        public String[] springDataSourceProperties() {
            return new String[] {"spring.datasource.url=" + url, "spring.datasource.username=" + user,
                    "spring.datasource.password=" + password, "spring.datasource.hikari.maximum-pool-size=4",
                    "spring.datasource.hikari.minimum-idle=0"};
        }

        /** Rows of {@code sql} (no parameters), each as its columns' string values, over a connection of its own. */
        public List<List<String>> query(String sql) throws SQLException {
            try (Connection connection = direct().getConnection();
                    PreparedStatement statement = connection.prepareStatement(sql);
                    ResultSet rows = statement.executeQuery()) {
                List<List<String>> result = new ArrayList<>();
                int columns = rows.getMetaData().getColumnCount();
                while (rows.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        row.add(rows.getString(i));
                    }
                    result.add(row);
                }
                return result;
            }
        }

        /** Drops a table the tests created and its schema-version table, if they exist. */
        public void dropTables(String table) throws SQLException {
            try (Connection connection = direct().getConnection(); Statement statement = connection.createStatement()) {
                // The names come from uniqueTable: lowercase letters, digits and underscores only.
                statement.execute("DROP TABLE IF EXISTS " + table + ", " + table + "_schema");
            }
        }

        private PGSimpleDataSource direct() {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setURL(url);
            dataSource.setUser(user);
            dataSource.setPassword(password);
            return dataSource;
        }
    }

    /** The server for this JVM: external if {@value #URL_ENV} is set, else embedded, started on first use. */
    public static synchronized Server server() {
        if (server == null) {
            String url = System.getenv(URL_ENV);
            if (url != null && !url.isBlank()) {
                server = new Server(url, Objects.requireNonNullElse(System.getenv(USER_ENV), "postgres"),
                        Objects.requireNonNullElse(System.getenv(PASSWORD_ENV), ""));
            } else {
                EmbeddedPostgres embedded = startEmbedded();
                // Stopped by the shutdown hook EmbeddedPostgres registers.
                server = new Server(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "");
            }
        }
        return server;
    }

    /** A table name no other test (or earlier run on an external server) uses. */
    public static String uniqueTable(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static EmbeddedPostgres startEmbedded() {
        try {
            return EmbeddedPostgres.builder()
                    // EmbeddedPostgres turns synchronous_commit off; run as production would.
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("log_min_messages", "fatal")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL server", e);
        }
    }
}
