package dev.fencedstate.benchmarks;

import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.Snapshot;
import dev.fencedstate.FencedStoreListener.CommitOutcome;
import dev.fencedstate.file.FileStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
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
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Eight threads incrementing a counter held in ONE key, durably (the counter is the first eight bytes of a
 * {@code valueBytes}-byte value):
 * <ul>
 *   <li>{@code fencedUpdate}: {@link FencedStore#update} over {@link FileStorage} with the default retry policy.
 *       Its score is goodput: successful commits per second. The secondary results {@code commits},
 *       {@code conflicts} and {@code gaveUp} are raw counts, for conflicts per commit.</li>
 *   <li>{@code naiveReadModifyWrite}: read the file, add one, durable write (temp + fsync + rename + directory fsync)
 *       with no lock and no version check. Every write "succeeds"; increments are silently lost when two threads
 *       read the same value. The trial prints how many.</li>
 * </ul>
 * At the end of each trial a line starting with {@code HOT-KEY} compares the counter on disk with the number of
 * acknowledged writes, counted over the whole trial (warm-up included).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(8)
public class HotKeyBenchmark {

    static final String HOT_KEY = "hot-counter";

    /** The one hot key, for both variants, plus trial-wide tallies for the end-of-trial check. */
    @State(Scope.Benchmark)
    public static class HotKey {

        @Param({"256", "65536"})
        public int valueBytes;

        @Nullable Path root;
        @Nullable FencedStore store;
        @Nullable Path naiveTarget;
        byte[] template = new byte[0];

        final LongAdder fencedCommits = new LongAdder();
        final LongAdder fencedConflictsSeenByListener = new LongAdder();
        final LongAdder fencedGaveUp = new LongAdder();
        final LongAdder naiveWrites = new LongAdder();

        @Setup(Level.Trial)
        public void open() {
            Path trial = BenchDirectory.createTrialDirectory("hot-key");
            root = trial;
            template = Values.template(valueBytes, 42);
            FencedStoreListener countRetries = new FencedStoreListener() {
                @Override
                public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
                    if (outcome == CommitOutcome.CONFLICT) {
                        fencedConflictsSeenByListener.increment();
                    }
                }
            };
            store = FencedStore.builder(FileStorage.open(trial.resolve("fenced"))).name("bench").writerId("bench")
                    .listener(countRetries).build();
            try {
                naiveTarget = Files.createDirectories(trial.resolve("naive")).resolve("hot-counter.rec");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @TearDown(Level.Trial)
        public void checkAndClose() {
            try {
                FencedStore fenced = Objects.requireNonNull(store);
                long fencedCommitted = fencedCommits.sum();
                if (fencedCommitted > 0) {
                    System.out.println(fencedSummary(Values.counterOf(fenced.read(HOT_KEY).value().orElse(null))));
                }
                if (naiveWrites.sum() > 0) {
                    System.out.println(naiveSummary(Values.counterOf(
                            NaiveDurableWrite.readOrNull(Objects.requireNonNull(naiveTarget)))));
                }
                fenced.close();
            } finally {
                if (root != null) {
                    BenchDirectory.deleteRecursively(root);
                }
            }
        }

        String fencedSummary(long counterOnDisk) {
            long committed = fencedCommits.sum();
            long conflicts = fencedConflictsSeenByListener.sum();
            return String.format(Locale.ROOT, "HOT-KEY fencedUpdate valueBytes=%d: %d commits acknowledged, counter on "
                    + "disk %d, lost %d; %d conflicts (%.2f per commit); %d update calls exhausted the retry policy "
                    + "(reported to the caller, called again)", valueBytes, committed, counterOnDisk,
                    committed - counterOnDisk, conflicts, committed == 0 ? 0.0 : (double) conflicts / committed,
                    fencedGaveUp.sum());
        }

        String naiveSummary(long counterOnDisk) {
            long written = naiveWrites.sum();
            long lost = written - counterOnDisk;
            return String.format(Locale.ROOT, "HOT-KEY naiveReadModifyWrite valueBytes=%d: %d writes acknowledged, "
                    + "counter on disk %d, LOST %d increments (%.1f%%) without any error", valueBytes, written,
                    counterOnDisk, lost, written == 0 ? 0.0 : 100.0 * lost / written);
        }
    }

    /** A naive writer thread's own temp file (its score is writes per second, lost increments included). */
    @State(Scope.Thread)
    public static class NaiveWriter {

        @Nullable Path temp;

        @Setup(Level.Trial)
        public void setUp(HotKey hotKey, ThreadParams thread) {
            init(hotKey, thread.getThreadIndex());
        }

        void init(HotKey hotKey, int threadIndex) {
            temp = Objects.requireNonNull(hotKey.naiveTarget).resolveSibling("hot-counter." + threadIndex + ".tmp");
        }
    }

    /**
     * One increment that landed. An update that exhausts the retry policy is reported to its caller (never lost); an
     * application would try again later, and so does this loop, so the primary score is goodput: successful commits
     * per second.
     */
    @Benchmark
    public Snapshot fencedUpdate(HotKey hotKey, FencedUpdateOutcomes outcomes) {
        return outcomes.updateUntilCommitted(Objects.requireNonNull(hotKey.store), HOT_KEY,
                base -> Values.withCounter(hotKey.template, Values.counterOf(base.value().orElse(null)) + 1),
                hotKey.fencedCommits, hotKey.fencedGaveUp);
    }

    @Benchmark
    public void naiveReadModifyWrite(HotKey hotKey, NaiveWriter writer) {
        Path target = Objects.requireNonNull(hotKey.naiveTarget);
        long counter = Values.counterOf(NaiveDurableWrite.readOrNull(target));
        NaiveDurableWrite.write(target, Objects.requireNonNull(writer.temp),
                Values.withCounter(hotKey.template, counter + 1), true);
        hotKey.naiveWrites.increment();
    }
}
