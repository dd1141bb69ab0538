package dev.fencedstate.benchmarks;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.file.FileStorage;
import dev.fencedstate.memory.InMemoryStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * One durable write of {@code valueBytes} bytes per operation, each thread on its own key, four ways side by side on
 * the same disk:
 * <ul>
 *   <li>{@code fencedCommit}: {@link FencedStore#read} then {@link FencedStore#commit} over {@link FileStorage};</li>
 *   <li>{@code naiveWriteDirSync}: temp file + fsync + atomic rename + fsync of the directory, the same durability
 *       as {@code FileStorage} and so the fair baseline;</li>
 *   <li>{@code naiveWriteNoDirSync}: the same without the directory fsync, as often written in practice (atomic, but
 *       a power loss can undo the rename);</li>
 *   <li>{@code fencedCommitInMemory}: the fenced commit over {@link InMemoryStorage}, the protocol's CPU cost
 *       without any I/O.</li>
 * </ul>
 * Subclasses fix the number of threads. The mode is throughput: every thread's operations per second, added up.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class DurableWriteBenchmark {

    /** The stores and the naive writers' directory of one trial, all under one fresh directory. */
    @State(Scope.Benchmark)
    public static class Stores {

        @Param({"256", "65536"})
        public int valueBytes;

        @Nullable Path root;
        @Nullable FencedStore fileStore;
        @Nullable FencedStore memoryStore;
        @Nullable Path naiveDirectory;

        @Setup(Level.Trial)
        public void open() {
            Path trial = BenchDirectory.createTrialDirectory("durable-write");
            root = trial;
            fileStore = FencedStore.builder(FileStorage.open(trial.resolve("fenced"))).name("bench")
                    .writerId("bench").build();
            memoryStore = FencedStore.builder(new InMemoryStorage()).name("bench-memory").writerId("bench").build();
            try {
                naiveDirectory = Files.createDirectories(trial.resolve("naive"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            if (fileStore != null) {
                fileStore.close();
            }
            if (memoryStore != null) {
                memoryStore.close();
            }
            if (root != null) {
                BenchDirectory.deleteRecursively(root);
            }
        }
    }

    /** One writer thread: its own key, its own naive file, the same bytes for every variant. */
    @State(Scope.Thread)
    public static class Writer {

        String key = "";
        @Nullable Path naiveTarget;
        @Nullable Path naiveTemp;
        byte[] template = new byte[0];
        long counter;

        @Setup(Level.Trial)
        public void setUp(Stores stores, ThreadParams thread) {
            init(stores, thread.getThreadIndex());
        }

        void init(Stores stores, int threadIndex) {
            key = "writer-" + threadIndex;
            Path naive = Objects.requireNonNull(stores.naiveDirectory);
            naiveTarget = naive.resolve(key + ".rec");
            naiveTemp = naive.resolve(key + ".tmp");
            template = Values.template(stores.valueBytes, threadIndex);
            counter = 0;
        }

        byte[] nextValue() {
            return Values.withCounter(template, ++counter);
        }
    }

    @Benchmark
    public Snapshot fencedCommit(Stores stores, Writer writer) {
        return readAndCommit(Objects.requireNonNull(stores.fileStore), writer);
    }

    @Benchmark
    public Snapshot fencedCommitInMemory(Stores stores, Writer writer) {
        return readAndCommit(Objects.requireNonNull(stores.memoryStore), writer);
    }

    @Benchmark
    public void naiveWriteDirSync(Writer writer) {
        NaiveDurableWrite.write(Objects.requireNonNull(writer.naiveTarget),
                Objects.requireNonNull(writer.naiveTemp), writer.nextValue(), true);
    }

    @Benchmark
    public void naiveWriteNoDirSync(Writer writer) {
        NaiveDurableWrite.write(Objects.requireNonNull(writer.naiveTarget),
                Objects.requireNonNull(writer.naiveTemp), writer.nextValue(), false);
    }

    /** What an application does per write: read the key, commit the new value against that snapshot. */
    static Snapshot readAndCommit(FencedStore store, Writer writer) {
        Snapshot base = store.read(writer.key);
        return store.commit(base, writer.nextValue());
    }
}
