package dev.fencedstate.benchmarks;

import dev.fencedstate.FencedStore;
import dev.fencedstate.file.FileStorage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A paired A/B check of the 1.25× target that stays meaningful on a noisy, shared machine, to read next to the JMH
 * run. JMH measures one benchmark after another, so a neighbour's load that comes and goes between them moves the
 * ratio as much as the code does. Here the variants take turns in short blocks ({@code --block} writes per thread),
 * in a rotating order, many times ({@code --rounds}); each round gives a ratio fenced/naive from blocks run seconds
 * apart, and the result is the median and the geometric mean of those per-round ratios.
 *
 * <pre>java -cp benchmarks.jar dev.fencedstate.benchmarks.InterleavedComparison [--rounds 30] [--block 20]
 *     [--threads 1,8] [--sizes 256,65536]</pre>
 *
 * The same writes as {@link DurableWriteBenchmark}: each thread on its own key, read then commit for fenced, temp +
 * fsync + rename (+ directory fsync) for naive. It writes under {@link BenchDirectory#base()}.
 *
 * <p>{@code --only fenced|naiveDirSync|naiveNoDirSync --ops N} instead runs N writes of one variant on each of
 * {@code --threads} threads (the first count given) and nothing else, to count its system calls per write with {@code strace -f -c} (subtract a run with {@code --ops 0}).
 */
public final class InterleavedComparison {

    enum Variant {
        FENCED("fenced"), NAIVE_DIR_SYNC("naiveDirSync"), NAIVE_NO_DIR_SYNC("naiveNoDirSync");

        final String label;

        Variant(String label) {
            this.label = label;
        }

        static Variant of(String label) {
            return Arrays.stream(values()).filter(v -> v.label.equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown variant '" + label
                            + "'; use fenced, naiveDirSync or naiveNoDirSync"));
        }
    }

    /** Time inside each variant's writes, summed over the writer threads (mean latency, not wall time). */
    private static final Map<Variant, LongAdder> WRITE_NANOS = new EnumMap<>(Variant.class);

    static {
        for (Variant v : Variant.values()) {
            WRITE_NANOS.put(v, new LongAdder());
        }
    }

    private static LongAdder writeNanos(Variant variant) {
        return Objects.requireNonNull(WRITE_NANOS.get(variant), "every variant has an adder");
    }

    private static final List<String> PHASES = new ArrayList<>();

    private static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private InterleavedComparison() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 30;
        int block = 20;
        int[] threadCounts = {1, 8};
        int[] sizes = {256, 65536};
        Variant only = null;
        int ops = 0;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--block" -> block = Integer.parseInt(value);
                case "--threads" -> threadCounts = ints(value);
                case "--sizes" -> sizes = ints(value);
                case "--only" -> only = Variant.of(value);
                case "--ops" -> ops = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --rounds N --block N --threads 1,8 --sizes 256,65536 --only VARIANT --ops N");
            }
            i++;
        }
        if (only != null) {
            runOnly(only, ops, sizes[0], threadCounts[0]);
            return;
        }
        System.out.println("| writers | value | rounds × block | fenced, median per write | naive + dir fsync, median "
                + "| naive, no dir fsync, median | **fenced / naive + dir fsync**: median [p25, p75]; geo-mean ± 95% "
                + "| fenced / naive, no dir fsync: median [p25, p75] | CPU per write, fenced | CPU per write, naive + "
                + "dir fsync |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (int threads : threadCounts) {
            for (int size : sizes) {
                System.out.println(compare(threads, size, rounds, block));
            }
        }
        System.out.println();
        System.out.println("Where a fenced commit's time goes (mean per write on the writer threads; "
                + "storage.read and compareAndSet are FileStorage's SPI calls, timed from outside):");
        System.out.println();
        System.out.println("| writers | value | fenced commit | storage.read | compareAndSet | FencedStore's own work "
                + "| naive + dir fsync | compareAndSet − naive + dir fsync |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        PHASES.forEach(System.out::println);
    }

    private static String compare(int threads, int size, int rounds, int block) throws Exception {
        Path trial = BenchDirectory.createTrialDirectory("interleaved");
        TimingStorage timing = new TimingStorage(FileStorage.open(trial.resolve("fenced")));
        DurableWriteBenchmark.Stores stores = storesIn(trial, size, timing);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<DurableWriteBenchmark.Writer> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                DurableWriteBenchmark.Writer writer = new DurableWriteBenchmark.Writer();
                writer.init(stores, t);
                writers.add(writer);
            }
            Variant[] variants = Variant.values();
            // Warm up until every variant ran for WARMUP_NANOS, and at least 3 blocks: the JIT must compile the fenced
            // path (record encoding, checksums) before its cost means anything.
            for (Variant v : variants) {
                long warmupStart = System.nanoTime();
                for (int warmup = 0; warmup < 3 || System.nanoTime() - warmupStart < WARMUP_NANOS; warmup++) {
                    timeBlock(pool, stores, writers, v, block);
                }
            }
            timing.reset();
            WRITE_NANOS.values().forEach(LongAdder::reset);
            double[][] nanosPerWrite = new double[variants.length][rounds];
            long[] cpuNanos = new long[variants.length];
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < variants.length; k++) {
                    // rotate the order so that no variant always runs right after another
                    Variant v = variants[(round + k) % variants.length];
                    nanosPerWrite[v.ordinal()][round] = timeBlock(pool, stores, writers, v, block, cpuNanos)
                            / (double) (block * threads);
                }
            }
            double[] fenced = nanosPerWrite[Variant.FENCED.ordinal()];
            double[] dirSync = nanosPerWrite[Variant.NAIVE_DIR_SYNC.ordinal()];
            double[] noDirSync = nanosPerWrite[Variant.NAIVE_NO_DIR_SYNC.ordinal()];
            double[] ratioDirSync = ratios(fenced, dirSync);
            double[] ratioNoDirSync = ratios(fenced, noDirSync);
            double writesPerVariant = (double) rounds * block * threads;
            double fencedTotal = writeNanos(Variant.FENCED).sum() / writesPerVariant;
            double reads = timing.readNanos.sum() / writesPerVariant;
            double cas = timing.compareAndSetNanos.sum() / writesPerVariant;
            double naiveTotal = writeNanos(Variant.NAIVE_DIR_SYNC).sum() / writesPerVariant;
            PHASES.add(String.format(Locale.ROOT, "| %d | %s | %s | %s (%.1f calls) | %s (%.2f calls) | %s | %s | %s |",
                    threads, size % 1024 == 0 ? size / 1024 + " KiB" : size + " B", micros(fencedTotal), micros(reads),
                    timing.reads.sum() / writesPerVariant, micros(cas), timing.compareAndSets.sum() / writesPerVariant,
                    micros(fencedTotal - reads - cas), micros(naiveTotal), micros(cas - naiveTotal)));
            return String.format(Locale.ROOT, "| %d | %s | %d × %d | %s | %s | %s | **%.2f× [%.2f, %.2f]; %s** "
                    + "| %.2f× [%.2f, %.2f] | %s | %s |", threads, size % 1024 == 0 ? size / 1024 + " KiB" : size + " B", rounds,
                    block, micros(median(fenced)), micros(median(dirSync)), micros(median(noDirSync)),
                    median(ratioDirSync), quantile(ratioDirSync, 0.25), quantile(ratioDirSync, 0.75),
                    geometricMean(ratioDirSync), median(ratioNoDirSync), quantile(ratioNoDirSync, 0.25),
                    quantile(ratioNoDirSync, 0.75),
                    micros(cpuNanos[Variant.FENCED.ordinal()] / writesPerVariant),
                    micros(cpuNanos[Variant.NAIVE_DIR_SYNC.ordinal()] / writesPerVariant));
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            stores.close();
        }
    }

    /** Wall time for every writer to make {@code block} writes of {@code variant}, started together. */
    private static long timeBlock(ExecutorService pool, DurableWriteBenchmark.Stores stores,
            List<DurableWriteBenchmark.Writer> writers, Variant variant, int block) throws Exception {
        return timeBlock(pool, stores, writers, variant, block, new long[Variant.values().length]);
    }

    /** Also adds the CPU time the writer threads spent (user + system) to {@code cpuNanos[variant]}. */
    private static long timeBlock(ExecutorService pool, DurableWriteBenchmark.Stores stores,
            List<DurableWriteBenchmark.Writer> writers, Variant variant, int block, long[] cpuNanos)
            throws Exception {
        CyclicBarrier start = new CyclicBarrier(writers.size() + 1);
        List<Future<Long>> done = new ArrayList<>();
        for (DurableWriteBenchmark.Writer writer : writers) {
            done.add(pool.submit(() -> {
                start.await(60, TimeUnit.SECONDS);
                long cpuBefore = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < block; i++) {
                    write(stores, writer, variant);
                }
                return THREADS.getCurrentThreadCpuTime() - cpuBefore;
            }));
        }
        start.await(60, TimeUnit.SECONDS);
        long started = System.nanoTime();
        for (Future<Long> f : done) {
            cpuNanos[variant.ordinal()] += f.get(10, TimeUnit.MINUTES);
        }
        return System.nanoTime() - started;
    }

    private static void write(DurableWriteBenchmark.Stores stores, DurableWriteBenchmark.Writer writer,
            Variant variant) {
        long started = System.nanoTime();
        writeUntimed(stores, writer, variant);
        writeNanos(variant).add(System.nanoTime() - started);
    }

    private static void writeUntimed(DurableWriteBenchmark.Stores stores, DurableWriteBenchmark.Writer writer,
            Variant variant) {
        switch (variant) {
            case FENCED -> DurableWriteBenchmark.readAndCommit(Objects.requireNonNull(stores.fileStore),
                    writer);
            case NAIVE_DIR_SYNC -> NaiveDurableWrite.write(Objects.requireNonNull(writer.naiveTarget),
                    Objects.requireNonNull(writer.naiveTemp), writer.nextValue(), true);
            case NAIVE_NO_DIR_SYNC -> NaiveDurableWrite.write(Objects.requireNonNull(writer.naiveTarget),
                    Objects.requireNonNull(writer.naiveTemp), writer.nextValue(), false);
        }
    }

    private static void runOnly(Variant variant, int ops, int size, int threads) throws Exception {
        Path trial = BenchDirectory.createTrialDirectory("syscalls");
        DurableWriteBenchmark.Stores stores = storesIn(trial, size,
                new TimingStorage(FileStorage.open(trial.resolve("fenced"))));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<DurableWriteBenchmark.Writer> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                DurableWriteBenchmark.Writer writer = new DurableWriteBenchmark.Writer();
                writer.init(stores, t);
                writers.add(writer);
            }
            long nanos = timeBlock(pool, stores, writers, variant, ops);
            System.out.printf(Locale.ROOT, "%d writes of %s on each of %d threads, %d bytes each: %,.0f µs per write "
                    + "(wall time / all writes)%n", ops, variant.label, threads, size, nanos / 1000.0 / ops / threads);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            stores.close();
        }
    }

    private static DurableWriteBenchmark.Stores storesIn(Path trial, int size, TimingStorage timing)
            throws IOException {
        DurableWriteBenchmark.Stores stores = new DurableWriteBenchmark.Stores();
        stores.valueBytes = size;
        stores.root = trial;
        stores.fileStore = FencedStore.builder(timing).name("bench").writerId("bench").build();
        stores.naiveDirectory = Files.createDirectories(trial.resolve("naive"));
        return stores;
    }

    private static double[] ratios(double[] numerators, double[] denominators) {
        double[] ratios = new double[numerators.length];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = numerators[i] / denominators[i];
        }
        return ratios;
    }

    static double median(double[] values) {
        return quantile(values, 0.5);
    }

    /** Linear interpolation between the closest ranks. */
    static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }

    /** The geometric mean of ratios with its 95% interval (normal approximation on the logarithms). */
    static String geometricMean(double[] ratios) {
        double[] logs = Arrays.stream(ratios).map(Math::log).toArray();
        double mean = Arrays.stream(logs).average().orElse(Double.NaN);
        double variance = Arrays.stream(logs).map(l -> (l - mean) * (l - mean)).sum() / Math.max(1, logs.length - 1);
        double halfWidth = 1.96 * Math.sqrt(variance / logs.length);
        return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", Math.exp(mean), Math.exp(mean - halfWidth),
                Math.exp(mean + halfWidth));
    }

    private static String micros(double nanos) {
        return nanos < 100_000 ? String.format(Locale.ROOT, "%.1f µs", nanos / 1000)
                : String.format(Locale.ROOT, "%,.0f µs", nanos / 1000);
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
