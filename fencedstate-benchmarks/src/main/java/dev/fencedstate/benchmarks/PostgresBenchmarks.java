package dev.fencedstate.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the PostgreSQL benchmarks ({@code Postgres*Benchmark}) in one JMH run against ONE server: the one named by
 * {@value PostgresServer#URL_PROPERTY} / {@value PostgresServer#URL_ENV} if set, otherwise an embedded PostgreSQL 17
 * started here for the whole run, whose address every fork gets as system properties (JVM arguments prepended).
 * Then the tables of the README are printed.
 *
 * <pre>java -cp benchmarks.jar dev.fencedstate.benchmarks.PostgresBenchmarks [JMH options] [benchmark regex]</pre>
 *
 * Any JMH option works (e.g. {@code -p valueBytes=256 -rf csv -rff pg.csv}), except {@code -jvmArgsPrepend} with the
 * embedded server, which this launcher sets.
 */
public final class PostgresBenchmarks {

    static final String DEFAULT_INCLUDE = "dev\\.fencedstate\\.benchmarks\\.Postgres.*Benchmark";

    private PostgresBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions command = new CommandLineOptions(args);
        if (command.shouldHelp()) {
            command.showHelp();
            return;
        }
        PostgresServer.@Nullable Embedded embedded = null;
        try {
            PostgresServer server;
            var configured = PostgresServer.configured();
            if (configured.isPresent()) {
                server = configured.get();
            } else {
                embedded = PostgresServer.startEmbedded();
                server = embedded.server();
            }
            System.out.println("# PostgreSQL benchmarks against " + describe(server));
            ChainedOptionsBuilder options = new OptionsBuilder().parent(command);
            if (embedded != null) {
                // A configured server reaches the forks by itself (they inherit the environment, and JMH passes the
                // host's -D options on), so only the embedded one is handed over, and no password is put on a
                // command line.
                options.jvmArgsPrepend(server.asSystemProperties().toArray(String[]::new));
            }
            if (command.getIncludes().isEmpty()) {
                options.include(DEFAULT_INCLUDE);
            }
            System.out.println("# load average before: " + loadAverage());
            Collection<RunResult> results = new Runner(options.build()).run();
            System.out.println("# load average after: " + loadAverage());
            System.out.println();
            PostgresResultsTable.of(results).print(System.out);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** The server's version and the settings that decide what a commit costs. */
    static String describe(PostgresServer server) throws SQLException {
        try (Connection connection = java.sql.DriverManager.getConnection(server.url(), server.user(),
                server.password());
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT version(), current_setting('synchronous_commit'), "
                        + "current_setting('fsync'), current_setting('wal_sync_method'), "
                        + "current_setting('shared_buffers'), current_setting('max_connections')")) {
            row.next();
            return String.format(Locale.ROOT, "%s (%s); synchronous_commit=%s, fsync=%s, wal_sync_method=%s, "
                    + "shared_buffers=%s, max_connections=%s", row.getString(1), server.url(), row.getString(2),
                    row.getString(3), row.getString(4), row.getString(5), row.getString(6));
        }
    }

    /** The 1, 5 and 15 minute load averages, where the OS tells them. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
