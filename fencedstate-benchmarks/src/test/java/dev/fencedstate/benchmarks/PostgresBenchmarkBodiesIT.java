package dev.fencedstate.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.fencedstate.Claim;
import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.integration.support.locks.DistributedLock;

/**
 * Runs each PostgreSQL benchmark body outside JMH against a real server (embedded PostgreSQL 17, or the one named by
 * {@value PostgresServer#URL_ENV}) and checks that it does what its name says: a benchmark that loses writes or locks
 * nothing measures nothing useful, however fast it is. JMH itself never runs in the build.
 */
@Tag("postgres")
class PostgresBenchmarkBodiesIT {

    private static PostgresServer.@Nullable Embedded embedded;
    private static @Nullable HikariDataSource pool;

    @BeforeAll
    static void startServer() {
        PostgresServer server = PostgresServer.configured().orElseGet(() -> {
            // Correctness only here, not speed: skip the WAL flushes so the checks take less time on a busy machine.
            System.setProperty(PostgresServer.FSYNC_PROPERTY, "off");
            try {
                embedded = PostgresServer.startEmbedded();
            } finally {
                System.clearProperty(PostgresServer.FSYNC_PROPERTY);
            }
            // PostgresTrial.open (the benchmarks' own set-up) finds the server here, as a JMH fork would.
            System.setProperty(PostgresServer.URL_PROPERTY, embedded.server().url());
            System.setProperty(PostgresServer.USER_PROPERTY, embedded.server().user());
            System.setProperty(PostgresServer.PASSWORD_PROPERTY, embedded.server().password());
            return embedded.server();
        });
        pool = server.pool("fencedstate-bench-test");
    }

    @AfterAll
    static void stopServer() {
        try {
            if (pool != null) {
                pool.close();
            }
        } finally {
            if (embedded != null) {
                System.clearProperty(PostgresServer.URL_PROPERTY);
                System.clearProperty(PostgresServer.USER_PROPERTY);
                System.clearProperty(PostgresServer.PASSWORD_PROPERTY);
                embedded.close();
            }
        }
    }

    @Test
    void fencedCommitAndBareUpdateEachWriteEveryValueOfTheirOwnKey() {
        PostgresCommitBenchmark benchmark = new PostgresEightWritersBenchmark();
        PostgresCommitBenchmark.Database database = new PostgresCommitBenchmark.Database();
        database.valueBytes = 256;
        database.open();
        try {
            PostgresWorkloads work = database.work();
            PostgresCommitBenchmark.Writer writer = new PostgresCommitBenchmark.Writer();
            writer.init(work, 3); // writes counter 1 both ways
            PostgresCommitBenchmark.Writer other = new PostgresCommitBenchmark.Writer();
            other.init(work, 4);
            for (int i = 0; i < 3; i++) {
                benchmark.fencedCommit(database, writer); // counters 2, 4, 6
                assertThat(benchmark.bareUpdate(database, writer)).isEqualTo(i + 2); // 3, 5, 7; the version written
                benchmark.bareUpdate(database, other);
            }

            assertThat(work.fencedVersion("writer-3")).isEqualTo(4);
            byte[] fenced = work.store().read("writer-3").value().orElseThrow();
            assertThat(fenced).hasSize(256);
            assertThat(Values.counterOf(fenced)).isEqualTo(6);
            assertThat(work.bareVersionAndCounter("writer-3")).containsExactly(4, 7);
            assertThat(work.bareVersionAndCounter("writer-4")).containsExactly(4, 4);
            assertThat(work.fencedVersion("writer-4")).isEqualTo(1);
        } finally {
            database.close();
        }
    }

    @Test
    void fencedHotKeyUpdatesLoseNothingAndCountEveryConflict() throws Exception {
        PostgresHotKeyBenchmark benchmark = new PostgresHotKeyBenchmark();
        PostgresHotKeyBenchmark.HotKey hotKey = openHotKey();
        try {
            List<FencedUpdateOutcomes> outcomes = new ArrayList<>();
            int threads = 4;
            int perThread = 10;
            runConcurrently(threads, perThread, t -> {
                FencedUpdateOutcomes mine = new FencedUpdateOutcomes();
                synchronized (outcomes) {
                    outcomes.add(mine);
                }
                return () -> benchmark.fencedUpdate(hotKey, mine);
            });

            long counter = hotKey.work().fencedCounter();
            long commits = outcomes.stream().mapToLong(o -> o.commits).sum();
            long conflicts = outcomes.stream().mapToLong(o -> o.conflicts).sum();
            assertThat(commits).isEqualTo(threads * perThread).isEqualTo(hotKey.fencedCommits.sum());
            assertThat(counter).isEqualTo(commits);
            assertThat(conflicts).isEqualTo(hotKey.work().fencedConflicts());
            assertThat(hotKey.fencedSummary(counter)).contains(commits + " commits acknowledged")
                    .contains("lost 0;");
        } finally {
            hotKey.checkAndClose();
        }
    }

    @Test
    void lockRegistryWithOneClientCountsExactly() throws Exception {
        PostgresHotKeyBenchmark benchmark = new PostgresHotKeyBenchmark();
        PostgresHotKeyBenchmark.HotKey hotKey = openHotKey();
        try {
            runConcurrently(4, 10, t -> () -> benchmark.lockRegistryOneClient(hotKey));

            assertThat(hotKey.lockedIncrements.sum()).isEqualTo(40);
            assertThat(hotKey.work().lockedCounter()).isEqualTo(40);
            assertThat(hotKey.lockExpiredWhileHeld.sum()).isZero();
            assertThat(hotKey.lockedSummary(40)).contains("40 increments acknowledged").contains("lost 0;");
        } finally {
            hotKey.checkAndClose();
        }
    }

    @Test
    void lockRegistryWithAClientPerWriterCountsExactlyThroughTheDatabaseLockAlone() throws Exception {
        PostgresHotKeyBenchmark benchmark = new PostgresHotKeyBenchmark();
        PostgresHotKeyBenchmark.HotKey hotKey = openHotKey();
        try {
            // Separate clients share no in-process lock: only INT_LOCK keeps their read-update pairs apart.
            runConcurrently(3, 4, t -> {
                PostgresHotKeyBenchmark.OwnLockClient own = new PostgresHotKeyBenchmark.OwnLockClient();
                own.open(hotKey);
                return () -> benchmark.lockRegistryClientPerWriter(hotKey, own);
            });

            assertThat(hotKey.lockedIncrements.sum()).isEqualTo(12);
            assertThat(hotKey.work().lockedCounter()).isEqualTo(12);
            assertThat(hotKey.lockExpiredWhileHeld.sum()).isZero();
            assertThat(hotKey.ownLockClients).hasSize(3);
        } finally {
            hotKey.checkAndClose();
        }
    }

    @Test
    void aLockHeldByOneClientIsRefusedToAnotherUntilUnlocked() throws Exception {
        try (PostgresWorkloads work = new PostgresWorkloads(Objects.requireNonNull(pool), 256);
                PostgresWorkloads.LockClient first = work.newLockClient();
                PostgresWorkloads.LockClient second = work.newLockClient()) {
            Lock held = first.hotKeyLock();
            held.lock();
            try {
                assertThat(second.hotKeyLock().tryLock()).as("the second client, while the first holds it").isFalse();
            } finally {
                held.unlock();
            }
            Lock now = second.hotKeyLock();
            assertThat(now.tryLock()).as("the second client, once the first unlocked").isTrue();
            now.unlock();
        }
    }

    /**
     * What the README says about the lock registry: it has no fencing. A holder whose lock expired (paused past the
     * time-to-live: here a 1 ms TTL stands in for a long GC pause) still writes, over the increment of the client that
     * took the lock after it, and only hears of it from {@code unlock()}, after its write landed. The same story with
     * a fencedstate claim ends with the stale holder's commit refused.
     */
    @Test
    void lockRegistryHasNoFencingAnExpiredHolderStillWritesWhereAFencedClaimIsRefused() throws Exception {
        try (PostgresWorkloads work = new PostgresWorkloads(Objects.requireNonNull(pool), 256);
                PostgresWorkloads.LockClient paused = work.newLockClient();
                PostgresWorkloads.LockClient next = work.newLockClient()) {
            DistributedLock stale = paused.hotKeyLock();
            stale.lock(Duration.ofMillis(1));
            long staleRead = work.lockedCounter();
            // ...the holder pauses; its lock expires; another instance takes it and increments
            DistributedLock taken = next.hotKeyLock();
            assertThat(taken.tryLock(Duration.ofSeconds(10), Duration.ofSeconds(10))).isTrue();
            work.writeLockedCounter(work.lockedCounter() + 1);
            // ...the paused holder resumes and writes what it computed before the pause: nothing stops it
            work.writeLockedCounter(staleRead + 1);
            assertThatThrownBy(stale::unlock).isInstanceOf(ConcurrentModificationException.class);
            taken.unlock();
            assertThat(work.lockedCounter()).as("two increments acknowledged, one lost").isEqualTo(1);

            FencedStore pausedStore = FencedStore.builder(work.store().storage()).writerId("paused").build();
            FencedStore nextStore = FencedStore.builder(work.store().storage()).writerId("next").build();
            Claim staleClaim = pausedStore.claim(PostgresWorkloads.HOT_KEY, Duration.ofMillis(1));
            Claim reclaimed = claimWithin(nextStore, Duration.ofSeconds(10));
            assertThat(reclaimed.reclaimed()).isTrue();
            nextStore.commit(reclaimed, reclaimed.snapshot(), work.incremented(reclaimed.snapshot()));
            assertThatThrownBy(() -> pausedStore.commit(staleClaim, staleClaim.snapshot(),
                    work.incremented(staleClaim.snapshot()))).isInstanceOf(FencedWriteException.class);
            assertThat(work.fencedCounter()).as("the increment after the reclaim is kept").isEqualTo(1);
        }
    }

    /** Claims the hot key once the 1 ms lease of the paused holder has run out by the database clock. */
    private static Claim claimWithin(FencedStore store, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                return store.claim(PostgresWorkloads.HOT_KEY);
            } catch (ClaimHeldException stillLive) {
                if (System.nanoTime() > deadline) {
                    throw stillLive;
                }
                Thread.sleep(5); // waiting for a clock, not for another thread: a bounded poll
            }
        }
    }

    @Test
    void theLockTableIsTheOneShippedInSpringIntegrationsJar() {
        assertThat(PostgresWorkloads.intLockDdl()).startsWith("CREATE TABLE INT_LOCK")
                .contains("LOCK_KEY CHAR(36)", "CLIENT_ID CHAR(36)", "EXPIRED_AFTER TIMESTAMP");
    }

    @Test
    void thePairedComparisonRunsEveryVariantAndChecksItsCounts() throws Exception {
        HikariDataSource shared = Objects.requireNonNull(pool);

        String commits = PostgresInterleavedComparison.compareCommits(shared, 2, 256, 2, 50);
        String hot = PostgresInterleavedComparison.compareHotKey(shared, 256, 1, 100);

        assertThat(commits).startsWith("| 2 | 256 B | 2 × 50 ms |").contains("ops/s");
        assertThat(hot.split("lost 0;", -1)).as("fenced and locked counters both exact").hasSize(3);
        assertThat(hot).contains("0 unlocks found the lock expired").containsPattern("counter in the database [1-9]");
    }

    @Test
    void theTableShowsThroughputRatiosWithCombinedErrors() {
        ResultsTable.Row fenced = new ResultsTable.Row("PostgresSingleWriterBenchmark.fencedCommit", 1, 5, 450, 45,
                "ops/s", 256);
        ResultsTable.Row bare = new ResultsTable.Row("PostgresSingleWriterBenchmark.bareUpdate", 1, 5, 500, 50,
                "ops/s", 256);
        ResultsTable.Row hot = new ResultsTable.Row("PostgresHotKeyBenchmark.fencedUpdate", 8, 5, 300, 30, "ops/s", 256);
        ResultsTable.Row lock = new ResultsTable.Row("PostgresHotKeyBenchmark.lockRegistryClientPerWriter", 8, 5, 50,
                Double.NaN, "ops/s", 256);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        new PostgresResultsTable(List.of(fenced, bare, hot, lock)).print(new java.io.PrintStream(bytes, true,
                java.nio.charset.StandardCharsets.UTF_8));
        String table = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);

        // 450/500 = 0.90, ± 0.90 × √(0.1² + 0.1²) = 0.13; without an error on one side, no ±
        assertThat(table).contains("| 1 | 256 B | 450 ± 45.0 ops/s | 500 ± 50.0 ops/s | **0.90× ± 0.13** |")
                .contains("| **6.00×** |");
        assertThat(PostgresResultsTable.ratio(Optional.of(fenced), Optional.empty())).isEqualTo("–");
    }

    private static PostgresHotKeyBenchmark.HotKey openHotKey() {
        PostgresHotKeyBenchmark.HotKey hotKey = new PostgresHotKeyBenchmark.HotKey();
        hotKey.valueBytes = 256;
        hotKey.open();
        return hotKey;
    }

    /** Runs {@code perThread} calls of each thread's body on {@code threads} threads started together. */
    private static void runConcurrently(int threads, int perThread, IntFunction<Runnable> bodyOfThread)
            throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Runnable body = bodyOfThread.apply(t);
                done.add(executor.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    for (int i = 0; i < perThread; i++) {
                        body.run();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
