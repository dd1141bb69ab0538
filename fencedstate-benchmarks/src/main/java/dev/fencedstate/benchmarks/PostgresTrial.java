package dev.fencedstate.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

/**
 * One trial of a PostgreSQL benchmark: the server (the configured one, else an embedded one started for this trial
 * alone), one HikariCP pool on it that every variant shares, and the {@link PostgresWorkloads} over that pool.
 */
final class PostgresTrial implements AutoCloseable {

    private final PostgresServer.@Nullable Embedded embedded;
    private final HikariDataSource pool;
    private final PostgresWorkloads work;

    private PostgresTrial(PostgresServer.@Nullable Embedded embedded, HikariDataSource pool, PostgresWorkloads work) {
        this.embedded = embedded;
        this.pool = pool;
        this.work = work;
    }

    /** Opens a trial on the configured server, or on an embedded server of its own if none is configured. */
    static PostgresTrial open(int valueBytes) {
        PostgresServer.@Nullable Embedded embedded = null;
        PostgresServer server;
        var configured = PostgresServer.configured();
        if (configured.isPresent()) {
            server = configured.get();
        } else {
            embedded = PostgresServer.startEmbedded();
            server = embedded.server();
        }
        // Printed by every trial, so a run's log shows that all its trials talked to the same server.
        System.out.println("PG-TRIAL server " + server.url() + (embedded == null ? " (configured)"
                : " (embedded, started for this trial alone)"));
        HikariDataSource pool = null;
        try {
            pool = server.pool("fencedstate-bench");
            return new PostgresTrial(embedded, pool, new PostgresWorkloads(pool, valueBytes));
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    PostgresWorkloads work() {
        return work;
    }

    HikariDataSource pool() {
        return pool;
    }

    @Override
    public void close() {
        try {
            work.close();
        } finally {
            pool.close();
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
