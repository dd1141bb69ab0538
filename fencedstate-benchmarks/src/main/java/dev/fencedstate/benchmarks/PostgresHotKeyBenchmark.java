package dev.fencedstate.benchmarks;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Eight writers incrementing a counter held in ONE key on PostgreSQL, over the same pool:
 * <ul>
 *   <li>{@code fencedUpdate}: {@link FencedStore#update} over {@code JdbcStorage}, default retry policy. Score =
 *       goodput, successful commits per second; {@code commits}, {@code conflicts}, {@code gaveUp} are raw counts
 *       for conflicts per commit.</li>
 *   <li>{@code lockRegistryClientPerWriter}: Spring Integration's {@code JdbcLockRegistry}: obtain the lock, read,
 *       update, unlock. Each writer has its own {@code DefaultLockRepository} and registry, as eight application
 *       instances would: they meet only in {@code INT_LOCK}, and a writer that finds the lock taken sleeps the
 *       registry's {@code idleBetweenTries} (100 ms by default) before trying again.</li>
 *   <li>{@code lockRegistryOneClient}: the same with one registry shared by the eight threads, i.e. eight threads of
 *       one instance. The registry queues them on an in-process lock first, so they never poll the database: the
 *       best case for the lock registry.</li>
 * </ul>
 * At the end of each trial a line starting with {@code HOT-KEY-PG} compares the counter in the database with the
 * increments acknowledged over the whole trial (warm-up included).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(8)
public class PostgresHotKeyBenchmark {

    /** The server, the shared pool, the hot key of both kinds, and trial-wide tallies for the end-of-trial check. */
    @State(Scope.Benchmark)
    public static class HotKey {

        @Param({"256", "65536"})
        public int valueBytes;

        @Nullable PostgresTrial trial;
        PostgresWorkloads.@Nullable LockClient sharedLockClient;
        /** Every writer's own lock client, closed here: JMH may tear this state down before the threads' states. */
        final List<PostgresWorkloads.LockClient> ownLockClients = new CopyOnWriteArrayList<>();

        final LongAdder fencedCommits = new LongAdder();
        final LongAdder fencedGaveUp = new LongAdder();
        final LongAdder lockedIncrements = new LongAdder();
        final LongAdder lockExpiredWhileHeld = new LongAdder();

        @Setup(Level.Trial)
        public void open() {
            PostgresTrial opened = PostgresTrial.open(valueBytes);
            trial = opened;
            sharedLockClient = opened.work().newLockClient();
        }

        @TearDown(Level.Trial)
        public void checkAndClose() {
            try {
                if (fencedCommits.sum() > 0) {
                    System.out.println(fencedSummary(work().fencedCounter()));
                }
                if (lockedIncrements.sum() > 0) {
                    System.out.println(lockedSummary(work().lockedCounter()));
                }
            } finally {
                try {
                    ownLockClients.forEach(PostgresWorkloads.LockClient::close);
                    if (sharedLockClient != null) {
                        sharedLockClient.close();
                    }
                } finally {
                    if (trial != null) {
                        trial.close();
                    }
                }
            }
        }

        PostgresWorkloads work() {
            return Objects.requireNonNull(trial).work();
        }

        /** A lock client of one writer's own (one application instance per writer), closed with the trial. */
        PostgresWorkloads.LockClient newOwnLockClient() {
            PostgresWorkloads.LockClient client = work().newLockClient();
            ownLockClients.add(client);
            return client;
        }

        String fencedSummary(long counterInDatabase) {
            long committed = fencedCommits.sum();
            long conflicts = work().fencedConflicts();
            return String.format(Locale.ROOT, "HOT-KEY-PG fencedUpdate valueBytes=%d: %d commits acknowledged, "
                    + "counter in the database %d, lost %d; %d conflicts (%.2f per commit); %d update calls exhausted "
                    + "the retry policy (reported to the caller, called again)", valueBytes, committed,
                    counterInDatabase, committed - counterInDatabase, conflicts,
                    committed == 0 ? 0.0 : (double) conflicts / committed, fencedGaveUp.sum());
        }

        String lockedSummary(long counterInDatabase) {
            long written = lockedIncrements.sum();
            return String.format(Locale.ROOT, "HOT-KEY-PG lockRegistry valueBytes=%d: %d increments acknowledged, "
                    + "counter in the database %d, lost %d; %d unlocks found the lock already expired", valueBytes,
                    written, counterInDatabase, written - counterInDatabase, lockExpiredWhileHeld.sum());
        }
    }

    /** A writer's own lock client: one application instance per writer (closed by {@link HotKey}). */
    @State(Scope.Thread)
    public static class OwnLockClient {

        PostgresWorkloads.@Nullable LockClient client;

        @Setup(Level.Trial)
        public void open(HotKey hotKey) {
            client = hotKey.newOwnLockClient();
        }
    }

    /**
     * One increment that landed. An update that exhausts the retry policy is reported to its caller, never lost; an
     * application would try again, and so does this loop, so the score is goodput.
     */
    @Benchmark
    public Snapshot fencedUpdate(HotKey hotKey, FencedUpdateOutcomes outcomes) {
        PostgresWorkloads work = hotKey.work();
        return outcomes.updateUntilCommitted(work.store(), PostgresWorkloads.HOT_KEY, work::incremented,
                hotKey.fencedCommits, hotKey.fencedGaveUp);
    }

    @Benchmark
    public void lockRegistryClientPerWriter(HotKey hotKey, OwnLockClient own) {
        lockedIncrement(hotKey, Objects.requireNonNull(own.client));
    }

    @Benchmark
    public void lockRegistryOneClient(HotKey hotKey) {
        lockedIncrement(hotKey, Objects.requireNonNull(hotKey.sharedLockClient));
    }

    static void lockedIncrement(HotKey hotKey, PostgresWorkloads.LockClient client) {
        try {
            hotKey.work().lockedIncrement(client.hotKeyLock());
        } catch (ConcurrentModificationException lockExpired) {
            // Thrown by unlock() after the update was written: the lock had expired in INT_LOCK meanwhile, so the
            // increment landed without the lock's protection. Counted, so the end-of-trial check can explain it.
            hotKey.lockExpiredWhileHeld.increment();
        }
        hotKey.lockedIncrements.increment();
    }
}
