package dev.fencedstate.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs each benchmark body a few times outside JMH, to prove it does what its name says (a wrong benchmark measures
 * nothing useful, however fast it is). JMH itself never runs in the build.
 */
class BenchmarkBodiesTest {

    @Test
    void eachVariantWritesTheSameValueSizeDurablyToItsOwnKey() throws Exception {
        DurableWriteBenchmark benchmark = new SingleWriterBenchmark();
        DurableWriteBenchmark.Stores stores = new DurableWriteBenchmark.Stores();
        stores.valueBytes = 256;
        stores.open();
        Path root = Objects.requireNonNull(stores.root);
        try {
            DurableWriteBenchmark.Writer writer = new DurableWriteBenchmark.Writer();
            writer.init(stores, 3);
            for (int i = 0; i < 3; i++) {
                benchmark.fencedCommit(stores, writer);
                benchmark.fencedCommitInMemory(stores, writer);
                benchmark.naiveWriteDirSync(writer);
                benchmark.naiveWriteNoDirSync(writer);
            }

            byte[] fenced = Objects.requireNonNull(stores.fileStore).read("writer-3").value().orElseThrow();
            byte[] inMemory = Objects.requireNonNull(stores.memoryStore).read("writer-3").value().orElseThrow();
            byte[] naive = Files.readAllBytes(Objects.requireNonNull(writer.naiveTarget));
            assertThat(fenced).hasSize(256);
            // one counter per writer, stamped 1..12 in call order: the last round wrote 9, 10, 11, 12
            assertThat(Values.counterOf(fenced)).isEqualTo(9);
            assertThat(Values.counterOf(inMemory)).isEqualTo(10);
            assertThat(Values.counterOf(naive)).isEqualTo(12);
            assertThat(naive).hasSize(256);
            assertThat(Objects.requireNonNull(stores.fileStore).read("writer-3").version()).isEqualTo(3);
            assertThat(root).startsWith(BenchDirectory.base());
        } finally {
            stores.close();
        }
        assertThat(root).doesNotExist();
    }

    @Test
    void fencedHotKeyUpdatesLoseNothingAndCountEveryConflict() throws Exception {
        HotKeyBenchmark benchmark = new HotKeyBenchmark();
        HotKeyBenchmark.HotKey hotKey = new HotKeyBenchmark.HotKey();
        hotKey.valueBytes = 256;
        hotKey.open();
        int threads = 4;
        int updatesPerThread = 15;
        List<FencedUpdateOutcomes> outcomes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                FencedUpdateOutcomes mine = new FencedUpdateOutcomes();
                outcomes.add(mine);
                done.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < updatesPerThread; i++) {
                        benchmark.fencedUpdate(hotKey, mine);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }

            long onDisk = Values.counterOf(Objects.requireNonNull(hotKey.store).read(HotKeyBenchmark.HOT_KEY).value()
                    .orElseThrow());
            long commits = outcomes.stream().mapToLong(o -> o.commits).sum();
            long conflicts = outcomes.stream().mapToLong(o -> o.conflicts).sum();
            assertThat(commits).isEqualTo(threads * updatesPerThread);
            assertThat(onDisk).isEqualTo(commits);
            assertThat(conflicts).isEqualTo(hotKey.fencedConflictsSeenByListener.sum());
            assertThat(hotKey.fencedSummary(onDisk)).contains(commits + " commits acknowledged")
                    .contains("lost 0;");
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            hotKey.checkAndClose();
        }
    }

    @Test
    void naiveReadModifyWriteCountsItsWritesAndReportsTheIncrementsThatAreMissing() {
        HotKeyBenchmark benchmark = new HotKeyBenchmark();
        HotKeyBenchmark.HotKey hotKey = new HotKeyBenchmark.HotKey();
        hotKey.valueBytes = 256;
        hotKey.open();
        try {
            HotKeyBenchmark.NaiveWriter writer = new HotKeyBenchmark.NaiveWriter();
            writer.init(hotKey, 0);
            for (int i = 0; i < 5; i++) {
                benchmark.naiveReadModifyWrite(hotKey, writer);
            }

            long onDisk = Values.counterOf(NaiveDurableWrite.readOrNull(Objects.requireNonNull(hotKey.naiveTarget)));
            assertThat(onDisk).isEqualTo(5);
            assertThat(hotKey.naiveWrites.sum()).isEqualTo(5);
            // what the trial prints when another writer overwrote two of the increments:
            assertThat(hotKey.naiveSummary(3)).contains("5 writes acknowledged, counter on disk 3, LOST 2 increments");
        } finally {
            hotKey.checkAndClose();
        }
    }
}
