package dev.fencedstate.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.fencedstate.FencedStore;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.Snapshot;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real faults while writers commit: writer processes killed with SIGKILL, their database sessions terminated, the
 * database restarted (cleanly and by a crash). Each writer appends uniquely named entries to an {@link AppendLog}; at
 * the end the log must hold every acknowledged entry, in a whole, checksummed value, with every unknown outcome
 * resolved.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@Tag("postgres")
class FaultsIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String TABLE = JdbcStorage.DEFAULT_TABLE;
    private static final String KEY = "log";

    private final TestDatabase.Server server = TestDatabase.shared();

    @Test
    @DisplayName("writer processes killed with SIGKILL mid-commit, repeatedly: no acknowledged entry lost or torn")
    void killedWriters() throws Exception {
        String store = TestDatabase.uniqueStore("kill9");
        Random random = new Random(7);
        List<Child> all = new ArrayList<>();
        List<Child> running = new ArrayList<>();
        int kills = 5;
        try {
            for (int w = 1; w <= 2; w++) {
                running.add(startAppender(all, store, "writer-" + w));
            }
            for (int round = 1; round <= kills; round++) {
                Child victim = running.remove(random.nextInt(running.size()));
                int acks = count(victim, "ACKED ");
                // Let it commit a few more, then kill it wherever it is: almost always inside a read or a commit.
                victim.awaitCount(line -> line.startsWith("ACKED "), acks + 3 + random.nextInt(10), START);
                victim.kill();
                running.add(startAppender(all, store, "writer-" + (2 + round)));
            }
            for (Child child : running) {
                child.awaitCount(line -> line.startsWith("ACKED "), 3, START);
                child.send("STOP");
                assertThat(child.awaitExit(START)).isZero();
            }

            Snapshot log = reader(store).read(KEY);
            List<String> entries = AppendLog.entries(log); // fails if the value is torn
            assertThat(entries).doesNotHaveDuplicates();
            assertThat(log.version()).as("one commit per entry").isEqualTo(entries.size());
            Set<String> acked = new HashSet<>();
            Set<String> sent = new HashSet<>();
            for (Child child : all) {
                acked.addAll(entriesOf(child, "ACKED "));
                acked.addAll(entriesOf(child, "LANDED "));
                sent.addAll(entriesOf(child, "SENDING "));
            }
            assertThat(entries).as("every acknowledged commit is present").containsAll(acked);
            assertThat(sent).as("nothing appears that was never sent").containsAll(entries);
            // What the killed writers sent but never heard back about: resolved here, by reading the log.
            Set<String> unresolved = new HashSet<>(sent);
            unresolved.removeAll(acked);
            for (Child child : all) {
                unresolved.removeAll(entriesOf(child, "LOST "));
                unresolved.removeAll(entriesOf(child, "FAILED "));
            }
            assertThat(unresolved).as("at most one commit in flight per killed writer").hasSizeLessThanOrEqualTo(kills);
            System.out.printf("kill -9: %d kills, %d entries, %d acknowledged, %d in flight at a kill "
                    + "(%d of them landed)%n", kills, entries.size(), acked.size(), unresolved.size(),
                    unresolved.stream().filter(entries::contains).count());
        } finally {
            for (Child child : all) {
                child.close();
            }
        }
    }

    @Test
    @DisplayName("a writer's sessions terminated mid-commit, repeatedly: every unknown outcome resolved by commit id")
    void terminatedSessions() throws Exception {
        String store = TestDatabase.uniqueStore("terminate");
        DataSource admin = TestDatabase.sharedPool();
        Random random = new Random(11);
        List<Child> all = new ArrayList<>();
        try {
            Child writer = startAppender(all, store, "terminated-writer");
            int terminations = 0;
            long stormEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < stormEnd && (count(writer, "LANDED ") + count(writer, "LOST ") < 8
                    || count(writer, "ACKED ") < 30)) {
                Thread.sleep(random.nextInt(40)); // random moments: the point is to hit commits in flight
                terminations += TestDatabase.terminateSessions(admin, "terminated-writer");
            }
            int acksAfterStorm = count(writer, "ACKED ");
            writer.awaitCount(line -> line.startsWith("ACKED "), acksAfterStorm + 5, START);
            writer.send("STOP");
            assertThat(writer.awaitExit(START)).isZero();

            List<String> entries = AppendLog.entries(reader(store).read(KEY));
            Set<String> mustBeThere = new HashSet<>(entriesOf(writer, "ACKED "));
            mustBeThere.addAll(entriesOf(writer, "LANDED "));
            Set<String> mustNotBeThere = new HashSet<>(entriesOf(writer, "LOST "));
            mustNotBeThere.addAll(entriesOf(writer, "FAILED "));
            assertThat(entries).doesNotHaveDuplicates().containsAll(mustBeThere).doesNotContainAnyElementsOf(
                    mustNotBeThere);
            assertThat(new HashSet<>(entries)).as("the log is exactly the acknowledged and landed entries")
                    .isEqualTo(mustBeThere);
            // The writer was alone on the key, so its resolution by commit id must agree with the log's content.
            for (String line : writer.lines()) {
                if (line.startsWith("LANDED ") || line.startsWith("LOST ")) {
                    String[] fields = line.split(" ");
                    assertThat(fields[4]).as("by commit id agrees with by content: %s", line).isEqualTo(fields[5]);
                }
            }
            int unknown = count(writer, "LANDED ") + count(writer, "LOST ");
            assertThat(unknown).as("terminations hit commits in flight").isPositive();
            System.out.printf("pg_terminate_backend: %d sessions terminated, %d acknowledged, %d unknown outcomes "
                    + "(%d landed, %d lost), %d known failures%n", terminations, count(writer, "ACKED "), unknown,
                    count(writer, "LANDED "), count(writer, "LOST "), count(writer, "FAILED "));
        } finally {
            for (Child child : all) {
                child.close();
            }
        }
    }

    @Test
    @DisplayName("the database restarted between and during commits, cleanly and by a crash: nothing acknowledged lost")
    void restartedDatabase() throws Exception {
        Path data = Files.createTempDirectory("fencedstate-restart");
        int port = TestDatabase.freePort();
        EmbeddedPostgres database = TestDatabase.startDedicated(data, port, Map.of());
        TestDatabase.Server own = TestDatabase.serverOf(database);
        List<AppendWriter.Result> results = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writerThread = null;
        try (HikariDataSource pool = own.pool("restart-writer", 2)) {
            FencedStore store = FencedStore.builder(JdbcStorage.builder(pool).store("restart").build())
                    .writerId("restart-writer")
                    .retryPolicy(new RetryPolicy(1000, Duration.ofMillis(1), 2.0, Duration.ofMillis(20), 1.0))
                    .build();
            AppendWriter appender = new AppendWriter(store, KEY, Duration.ofSeconds(60));
            writerThread = new Thread(() -> {
                try {
                    for (int seq = 1; !stop.get(); seq++) {
                        AppendWriter.Result result = appender.append("restart-writer#" + seq);
                        results.add(result);
                        if (result.outcome() == AppendWriter.Outcome.FAILED) {
                            Thread.sleep(20); // the database is down; try the next entry shortly
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "appender");
            writerThread.start();

            awaitAcked(results, 15);
            database.close(); // fast shutdown: sessions terminated, in-flight commits finish or roll back
            List<String> ackedBeforeStop = acked(results);
            database = TestDatabase.startDedicated(data, port, Map.of());
            assertThat(AppendLog.entries(reader(own, "restart").read(KEY)))
                    .as("after a clean restart").containsAll(ackedBeforeStop);

            awaitAcked(results, ackedBeforeStop.size() + 15);
            crash(data);
            database.close(); // releases the directory lock; the server is already gone
            List<String> ackedBeforeCrash = acked(results);
            database = TestDatabase.startDedicated(data, port, Map.of());
            assertThat(AppendLog.entries(reader(own, "restart").read(KEY)))
                    .as("after crash recovery").containsAll(ackedBeforeCrash);

            awaitAcked(results, ackedBeforeCrash.size() + 15);
            stop.set(true);
            writerThread.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(writerThread.isAlive()).isFalse();

            List<String> entries = AppendLog.entries(reader(own, "restart").read(KEY));
            Set<String> mustBeThere = new HashSet<>();
            Set<String> mustNotBeThere = new HashSet<>();
            for (AppendWriter.Result result : results) {
                switch (result.outcome()) {
                    case ACKED, LANDED -> mustBeThere.add(result.entry());
                    case LOST, FAILED -> mustNotBeThere.add(result.entry());
                    default -> throw new AssertionError(result);
                }
            }
            assertThat(new HashSet<>(entries)).isEqualTo(mustBeThere);
            assertThat(entries).doesNotHaveDuplicates().doesNotContainAnyElementsOf(mustNotBeThere);
            System.out.printf("restarts: %d entries, %d unknown outcomes resolved, %d known failures%n",
                    entries.size(), results.stream().filter(r -> r.outcome() == AppendWriter.Outcome.LANDED
                            || r.outcome() == AppendWriter.Outcome.LOST).count(),
                    results.stream().filter(r -> r.outcome() == AppendWriter.Outcome.FAILED).count());
        } finally {
            stop.set(true);
            if (writerThread != null) {
                writerThread.interrupt();
                writerThread.join(10_000);
            }
            database.close();
            TestFiles.deleteRecursively(data);
        }
    }

    /** SIGQUIT to the postmaster: PostgreSQL's immediate shutdown, a crash that recovery must repair from the WAL. */
    private static void crash(Path data) throws Exception {
        long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle handle = ProcessHandle.of(postmaster).orElseThrow();
        Process quit = new ProcessBuilder("kill", "-QUIT", Long.toString(postmaster)).inheritIO().start();
        assertThat(quit.waitFor(10, TimeUnit.SECONDS)).isTrue();
        handle.onExit().get(30, TimeUnit.SECONDS);
    }

    private static void awaitAcked(List<AppendWriter.Result> results, int count) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (acked(results).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " acknowledged commits within " + START + ": "
                        + results.subList(Math.max(0, results.size() - 10), results.size()));
            }
            Thread.sleep(10); // the writer thread reports through the list; polling it is simplest
        }
    }

    /** The entries whose commit returned or was found to have landed. */
    private static List<String> acked(List<AppendWriter.Result> results) {
        return results.stream().filter(r -> r.outcome() == AppendWriter.Outcome.ACKED
                || r.outcome() == AppendWriter.Outcome.LANDED).map(AppendWriter.Result::entry).toList();
    }

    private Child startAppender(List<Child> all, String store, String writer) throws InterruptedException {
        Child child = Child.start(writer, server, Map.of(), "append", TABLE, store, writer, KEY);
        all.add(child);
        child.await("READY", START);
        return child;
    }

    private FencedStore reader(String store) {
        return FencedStore.builder(JdbcStorage.builder(TestDatabase.sharedPool()).table(TABLE).store(store).build())
                .build();
    }

    private static FencedStore reader(TestDatabase.Server server, String store) {
        return FencedStore.builder(JdbcStorage.builder(server.simple("reader", "")).store(store).build()).build();
    }

    private static int count(Child child, String prefix) {
        return (int) child.lines().stream().filter(line -> line.startsWith(prefix)).count();
    }

    /** The entry named by each line with this prefix ({@code OUTCOME ENTRY ...}). */
    private static List<String> entriesOf(Child child, String prefix) {
        return child.lines().stream().filter(line -> line.startsWith(prefix)).map(line -> line.split(" ")[1])
                .toList();
    }
}
