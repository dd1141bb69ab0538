package dev.fencedstate.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.fencedstate.RetriesExhaustedException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A paired A/B run of the PostgreSQL comparisons, to read next to the JMH run: ONE server, ONE HikariCP pool, one JVM,
 * and the variants taking turns in short time-boxed blocks ({@code --block-ms}) in a rotating order, many times
 * ({@code --rounds}). Each round yields a ratio from blocks run a second or two apart, so a neighbour's load that comes
 * and goes (which moves JMH's one-benchmark-after-another figures as much as the code does) mostly cancels out.
 *
 * <pre>java -cp benchmarks.jar dev.fencedstate.benchmarks.PostgresInterleavedComparison [--rounds 20]
 *     [--block-ms 1000] [--threads 1,8] [--size 256] [--hot-rounds 12] [--hot-block-ms 2000]</pre>
 *
 * The same bodies as the JMH benchmarks ({@link PostgresWorkloads}). The server is the configured one
 * ({@value PostgresServer#URL_PROPERTY} / {@value PostgresServer#URL_ENV}) or an embedded one started here.
 */
public final class PostgresInterleavedComparison {

    /** Warm-up per variant before measuring: the JIT and the server's caches must settle first. */
    private static final int WARMUP_BLOCKS = 3;

    /** One operation of a variant, by writer thread {@code threadIndex}; returns how many successes it counts. */
    @FunctionalInterface
    interface Operation {
        long run(int threadIndex);
    }

    /** A variant and, over the measured rounds only, its operations' total wall time and its threads' CPU time. */
    record Variant(String label, Operation operation, LongAdder calls, LongAdder callNanos, LongAdder cpuNanos) {

        Variant(String label, Operation operation) {
            this(label, operation, new LongAdder(), new LongAdder(), new LongAdder());
        }

        void reset() {
            calls.reset();
            callNanos.reset();
            cpuNanos.reset();
        }

        double meanNanos() {
            return callNanos.sum() / (double) calls.sum();
        }

        double cpuNanosPerCall() {
            return cpuNanos.sum() / (double) calls.sum();
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Where the commits' time went, one row per thread count, printed after the comparison. */
    private static final List<String> TIME_SPLITS = new ArrayList<>();

    private PostgresInterleavedComparison() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 20;
        int blockMillis = 1000;
        int[] threadCounts = {1, 8};
        int size = 256;
        int hotRounds = 12;
        int hotBlockMillis = 2000;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--block-ms" -> blockMillis = Integer.parseInt(value);
                case "--threads" -> threadCounts = Arrays.stream(value.split(",")).map(String::trim)
                        .mapToInt(Integer::parseInt).toArray();
                case "--size" -> size = Integer.parseInt(value);
                case "--hot-rounds" -> hotRounds = Integer.parseInt(value);
                case "--hot-block-ms" -> hotBlockMillis = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --rounds N "
                        + "--block-ms N --threads 1,8 --size BYTES --hot-rounds N --hot-block-ms N");
            }
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
            System.out.println("# paired PostgreSQL comparison against " + PostgresBenchmarks.describe(server));
            try (HikariDataSource pool = server.pool("fencedstate-bench-paired")) {
                System.out.println("# load average before: " + PostgresBenchmarks.loadAverage());
                System.out.println();
                System.out.println("| writers | value | rounds × block | fenced commit, median | bare update, median "
                        + "| **fenced / bare**: median [p25, p75]; geo-mean (95 % CI) |");
                System.out.println("|---|---|---|---|---|---|");
                for (int threads : threadCounts) {
                    System.out.println(compareCommits(pool, threads, size, rounds, blockMillis));
                }
                System.out.println();
                System.out.println("Where the time goes (mean per operation over the measured rounds, on the writer "
                        + "threads; each statement's time includes borrowing the connection):");
                System.out.println();
                System.out.println(TIME_SPLITS_HEADER);
                System.out.println("|---|---|---|---|---|---|---|---|---|---|");
                TIME_SPLITS.forEach(System.out::println);
                System.out.println("# load average: " + PostgresBenchmarks.loadAverage());
                System.out.println();
                System.out.println(compareHotKey(pool, size, hotRounds, hotBlockMillis));
                System.out.println("# load average after: " + PostgresBenchmarks.loadAverage());
            }
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    static String compareCommits(HikariDataSource pool, int threads, int size, int rounds, int blockMillis)
            throws Exception {
        try (PostgresWorkloads work = new PostgresWorkloads(pool, size)) {
            List<PostgresCommitBenchmark.Writer> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                PostgresCommitBenchmark.Writer writer = new PostgresCommitBenchmark.Writer();
                writer.init(work, t);
                writers.add(writer);
            }
            List<Variant> variants = List.of(
                    new Variant("fenced", t -> {
                        work.fencedCommit(writers.get(t).key, writers.get(t).nextValue());
                        return 1;
                    }),
                    new Variant("bare", t -> {
                        work.bareUpdate(writers.get(t).key, writers.get(t).nextValue());
                        return 1;
                    }));
            double[][] opsPerSecond = measure(variants, threads, rounds, blockMillis, work::resetTimings);
            Variant fenced = variants.get(0);
            Variant bare = variants.get(1);
            TimingStorage timing = work.fencedTiming;
            double fencedCalls = fenced.calls().sum();
            double bareCalls = bare.calls().sum();
            double reads = timing.readNanos.sum() / fencedCalls;
            double cas = timing.compareAndSetNanos.sum() / fencedCalls;
            TIME_SPLITS.add(String.format(Locale.ROOT, "| %d | %s | %s | %s (%.2f calls) | %s (%.2f calls) | %s | %s "
                    + "| %s | %s | %s / %s |", threads, sizeLabel(size), micros(fenced.meanNanos()), micros(reads),
                    timing.reads.sum() / fencedCalls, micros(cas), timing.compareAndSets.sum() / fencedCalls,
                    micros(fenced.meanNanos() - reads - cas), micros(bare.meanNanos()),
                    micros(work.bareSelectNanos.sum() / bareCalls), micros(work.bareUpdateNanos.sum() / bareCalls),
                    micros(fenced.cpuNanosPerCall()), micros(bare.cpuNanosPerCall())));
            // Every write landed: each write bumps one of the two versions, and the first value (counter 1) was
            // written both ways, so the two versions add up to the writer's counter plus one.
            for (PostgresCommitBenchmark.Writer writer : writers) {
                long versions = work.fencedVersion(writer.key) + work.bareVersionAndCounter(writer.key)[0];
                if (versions != writer.counter + 1) {
                    throw new IllegalStateException("writer " + writer.key + " stamped " + writer.counter
                            + " values, but the versions add up to " + versions);
                }
            }
            double[] ratios = ratios(opsPerSecond[0], opsPerSecond[1]);
            return String.format(Locale.ROOT, "| %d | %s | %d × %d ms | %,.0f ops/s | %,.0f ops/s | **%.2f× [%.2f, "
                    + "%.2f]; %s** |", threads, sizeLabel(size), rounds, blockMillis,
                    InterleavedComparison.median(opsPerSecond[0]), InterleavedComparison.median(opsPerSecond[1]),
                    InterleavedComparison.median(ratios), InterleavedComparison.quantile(ratios, 0.25),
                    InterleavedComparison.quantile(ratios, 0.75), InterleavedComparison.geometricMean(ratios));
        }
    }

    static String compareHotKey(HikariDataSource pool, int size, int rounds, int blockMillis) throws Exception {
        int threads = 8;
        try (PostgresWorkloads work = new PostgresWorkloads(pool, size)) {
            List<PostgresWorkloads.LockClient> ownClients = new ArrayList<>();
            PostgresWorkloads.LockClient oneClient = work.newLockClient();
            try {
                for (int t = 0; t < threads; t++) {
                    ownClients.add(work.newLockClient());
                }
                LongAdder fencedCommits = new LongAdder();
                LongAdder gaveUp = new LongAdder();
                LongAdder lockedIncrements = new LongAdder();
                LongAdder lockExpired = new LongAdder();
                List<Variant> variants = List.of(
                        new Variant("fenced update", t -> {
                            while (true) {
                                try {
                                    work.store().update(PostgresWorkloads.HOT_KEY, work::incremented);
                                    fencedCommits.increment();
                                    return 1;
                                } catch (RetriesExhaustedException everyAttemptLost) {
                                    gaveUp.increment();
                                }
                            }
                        }),
                        new Variant("lock registry, a client per writer",
                                t -> lockedIncrement(work, ownClients.get(t), lockedIncrements, lockExpired)),
                        new Variant("lock registry, one client",
                                t -> lockedIncrement(work, oneClient, lockedIncrements, lockExpired)));
                long conflictsBefore = work.fencedConflicts();
                double[][] goodput = measure(variants, threads, rounds, blockMillis, () -> { });
                long conflicts = work.fencedConflicts() - conflictsBefore;
                long fencedCounter = work.fencedCounter();
                long lockedCounter = work.lockedCounter();

                double[] perWriterRatios = ratios(goodput[0], goodput[1]);
                double[] oneClientRatios = ratios(goodput[0], goodput[2]);
                StringBuilder out = new StringBuilder();
                out.append("| 8 writers, one key | value | rounds × block | fenced update: goodput, median "
                        + "| lock registry, a client per writer, median | lock registry, one client, median "
                        + "| **fenced / client per writer**: median [p25, p75]; geo-mean (95 % CI) "
                        + "| fenced / one client: median [p25, p75]; geo-mean (95 % CI) |\n");
                out.append("|---|---|---|---|---|---|---|---|\n");
                out.append(String.format(Locale.ROOT, "| | %s | %d × %d ms | %,.0f ops/s | %,.0f ops/s | %,.0f ops/s "
                        + "| **%.2f× [%.2f, %.2f]; %s** | %.2f× [%.2f, %.2f]; %s |%n", sizeLabel(size), rounds,
                        blockMillis, InterleavedComparison.median(goodput[0]),
                        InterleavedComparison.median(goodput[1]), InterleavedComparison.median(goodput[2]),
                        InterleavedComparison.median(perWriterRatios), InterleavedComparison.quantile(perWriterRatios,
                                0.25), InterleavedComparison.quantile(perWriterRatios, 0.75),
                        InterleavedComparison.geometricMean(perWriterRatios),
                        InterleavedComparison.median(oneClientRatios), InterleavedComparison.quantile(oneClientRatios,
                                0.25), InterleavedComparison.quantile(oneClientRatios, 0.75),
                        InterleavedComparison.geometricMean(oneClientRatios)));
                out.append(String.format(Locale.ROOT, "%n- fenced (warm-up included): %d commits acknowledged, "
                        + "counter in the database %d, lost %d; %d conflicts (%.2f per commit); %d update calls "
                        + "exhausted the retry policy%n", fencedCommits.sum(), fencedCounter,
                        fencedCommits.sum() - fencedCounter, conflicts,
                        fencedCommits.sum() == 0 ? 0.0 : (double) conflicts / fencedCommits.sum(), gaveUp.sum()));
                out.append(String.format(Locale.ROOT, "- lock registry, both variants (warm-up included): %d "
                        + "increments acknowledged, counter in the database %d, lost %d; %d unlocks found the lock "
                        + "expired", lockedIncrements.sum(), lockedCounter, lockedIncrements.sum() - lockedCounter,
                        lockExpired.sum()));
                return out.toString();
            } finally {
                oneClient.close();
                ownClients.forEach(PostgresWorkloads.LockClient::close);
            }
        }
    }

    private static long lockedIncrement(PostgresWorkloads work, PostgresWorkloads.LockClient client,
            LongAdder increments, LongAdder expired) {
        try {
            work.lockedIncrement(client.hotKeyLock());
        } catch (ConcurrentModificationException lockExpired) {
            expired.increment(); // written, but after the lock had expired in INT_LOCK
        }
        increments.increment();
        return 1;
    }

    /**
     * Warms every variant up, runs {@code afterWarmup}, then runs {@code rounds} rounds of one block per variant in
     * rotating order; returns successes per second, {@code [variant][round]}.
     */
    static double[][] measure(List<Variant> variants, int threads, int rounds, int blockMillis, Runnable afterWarmup)
            throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            for (Variant variant : variants) {
                for (int i = 0; i < WARMUP_BLOCKS; i++) {
                    runBlock(executor, variant, threads, blockMillis);
                }
            }
            variants.forEach(Variant::reset);
            afterWarmup.run();
            double[][] perSecond = new double[variants.size()][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < variants.size(); k++) {
                    int v = (round + k) % variants.size();
                    perSecond[v][round] = runBlock(executor, variants.get(v), threads, blockMillis);
                }
            }
            return perSecond;
        } finally {
            executor.shutdownNow();
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("writer threads did not stop within 60 s");
            }
        }
    }

    /**
     * All threads start together and run {@code variant} until {@code blockMillis} have passed; returns successes per
     * second of wall time (until the last thread's last operation ended).
     */
    private static double runBlock(ExecutorService executor, Variant variant, int threads, int blockMillis)
            throws Exception {
        long[] start = new long[1];
        CyclicBarrier ready = new CyclicBarrier(threads, () -> start[0] = System.nanoTime());
        List<Future<long[]>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int threadIndex = t;
            done.add(executor.submit(() -> {
                ready.await(60, TimeUnit.SECONDS);
                // the barrier action ran before any thread was released, so start[0] is visible here
                long deadline = start[0] + TimeUnit.MILLISECONDS.toNanos(blockMillis);
                long cpuBefore = THREADS.getCurrentThreadCpuTime();
                long successes = 0;
                long calls = 0;
                long now = System.nanoTime();
                long callNanos = 0;
                while (now < deadline) {
                    successes += variant.operation().run(threadIndex);
                    calls++;
                    long after = System.nanoTime();
                    callNanos += after - now;
                    now = after;
                }
                variant.calls().add(calls);
                variant.callNanos().add(callNanos);
                variant.cpuNanos().add(THREADS.getCurrentThreadCpuTime() - cpuBefore);
                return new long[] {successes, now};
            }));
        }
        long successes = 0;
        long end = 0;
        for (Future<long[]> f : done) {
            long[] result = f.get(10, TimeUnit.MINUTES);
            successes += result[0];
            end = Math.max(end, result[1]);
        }
        return successes / ((end - start[0]) / 1e9);
    }

    private static double[] ratios(double[] numerators, double[] denominators) {
        double[] ratios = new double[numerators.length];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = numerators[i] / denominators[i];
        }
        return ratios;
    }

    private static final String TIME_SPLITS_HEADER = "| writers | value | fenced commit | storage.read | "
            + "compareAndSet | the rest: FencedStore, JdbcStorage binding and decoding | bare update | its SELECT "
            + "| its UPDATE | client CPU per op, fenced / bare |";

    private static String micros(double nanos) {
        return String.format(Locale.ROOT, "%,.0f µs", nanos / 1000);
    }

    private static String sizeLabel(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }
}
