package dev.fencedstate.benchmarks;

import dev.fencedstate.Snapshot;
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
 * A durable single-key write on PostgreSQL, each thread on its own key, two ways over the same pool:
 * <ul>
 *   <li>{@code fencedCommit}: {@code FencedStore.read} then {@code FencedStore.commit} over {@code JdbcStorage};</li>
 *   <li>{@code bareUpdate}: {@code SELECT value, version} then {@code UPDATE t SET value = ?, version = version + 1
 *       WHERE key = ? AND version = ?} on a plain table: a hand-rolled optimistic write.</li>
 * </ul>
 * Subclasses fix the number of threads. Throughput mode: every thread's operations per second, added up. Run through
 * {@link PostgresBenchmarks} so that every fork talks to the same server.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class PostgresCommitBenchmark {

    /** The server, the shared pool and the trial's tables. */
    @State(Scope.Benchmark)
    public static class Database {

        @Param({"256", "65536"})
        public int valueBytes;

        @Nullable PostgresTrial trial;

        @Setup(Level.Trial)
        public void open() {
            trial = PostgresTrial.open(valueBytes);
        }

        @TearDown(Level.Trial)
        public void close() {
            if (trial != null) {
                trial.close();
            }
        }

        PostgresWorkloads work() {
            return Objects.requireNonNull(trial).work();
        }
    }

    /** One writer thread: its own key, written once both ways before measuring, and its own counter. */
    @State(Scope.Thread)
    public static class Writer {

        String key = "";
        byte[] template = new byte[0];
        long counter;

        @Setup(Level.Trial)
        public void setUp(Database database, ThreadParams thread) {
            init(database.work(), thread.getThreadIndex());
        }

        void init(PostgresWorkloads work, int threadIndex) {
            key = "writer-" + threadIndex;
            template = work.writerTemplate(threadIndex);
            counter = 0;
            work.prepareKey(key, nextValue());
        }

        byte[] nextValue() {
            return Values.withCounter(template, ++counter);
        }
    }

    @Benchmark
    public Snapshot fencedCommit(Database database, Writer writer) {
        return database.work().fencedCommit(writer.key, writer.nextValue());
    }

    @Benchmark
    public long bareUpdate(Database database, Writer writer) {
        return database.work().bareUpdate(writer.key, writer.nextValue());
    }
}
