package dev.fencedstate.benchmarks;

import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.benchmarks.PostgresInterleavedComparison.Variant;
import dev.fencedstate.file.FileStorage;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.spi.StateStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A paired, same-run check that letting one key's updates take turns within a store (core's default) costs nothing
 * where it cannot help and pays where it can. Two stores over one storage, identical but for
 * {@link FencedStore.Builder#updatesTakeTurns}: with turns (today's code) and without (the code before them, where
 * same-process updates of a key race and retry). They take turns in blocks of {@code --block-ms}, in rotating order,
 * for {@code --rounds} rounds; each round gives a ratio from blocks run seconds apart.
 *
 * <ul>
 *   <li><b>Distinct keys</b>: each of {@code --threads} writers updates its own key. Nothing can conflict, so turns
 *       can only add their cost (a map entry and an uncontended fair lock per update). Ratio turns / no turns of
 *       updates per second: the target is 1.</li>
 *   <li><b>One hot key</b>: {@code --hot-threads} writers update one counter. Goodput is increments that landed per
 *       second; an update that gives up ({@link RetriesExhaustedException}) is called again, as an application would,
 *       and counts nothing. Ratio turns / no turns: the target is at least 1.</li>
 * </ul>
 * Both stores use the default {@code RetryPolicy}. Files go under {@link BenchDirectory#base()}.
 *
 * <pre>java -cp benchmarks.jar dev.fencedstate.benchmarks.TurnsComparison [--rounds 20] [--block-ms 1000]
 *     [--threads 8] [--hot-threads 8,32] [--sizes 256] [--backend files|memory]</pre>
 */
public final class TurnsComparison {

    private TurnsComparison() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 20;
        int blockMillis = 1000;
        int threads = 8;
        int[] hotThreads = {8, 32};
        int[] sizes = {256};
        String backend = "files";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--block-ms" -> blockMillis = Integer.parseInt(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--hot-threads" -> hotThreads = ints(value);
                case "--sizes" -> sizes = ints(value);
                case "--backend" -> backend = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --rounds N "
                        + "--block-ms N --threads N --hot-threads 8,32 --sizes 256 --backend files|memory");
            }
            i++;
        }
        System.out.println("| workload | writers | value | rounds × block | with turns, median | without turns, median "
                + "| **turns / no turns**: median [p25, p75]; geo-mean (95 % CI) | without turns: conflicts per "
                + "landed update; give-ups |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int size : sizes) {
            System.out.println(compare(backend, "distinct keys", threads, false, size, rounds, blockMillis));
            for (int hot : hotThreads) {
                System.out.println(compare(backend, "one hot key", hot, true, size, rounds, blockMillis));
            }
        }
    }

    static String compare(String backend, String workload, int threads, boolean hotKey, int size, int rounds,
            int blockMillis) throws Exception {
        Path trial = BenchDirectory.createTrialDirectory("turns");
        StateStorage storage = backend.equals("memory") ? new InMemoryStorage() : FileStorage.open(trial);
        LongAdder conflicts = new LongAdder();
        LongAdder gaveUp = new LongAdder();
        FencedStoreListener countConflicts = new FencedStoreListener() {
            @Override
            public void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException conflict) {
                conflicts.increment();
            }
        };
        try (FencedStore withTurns = FencedStore.builder(storage).name("turns").writerId("bench").build();
                FencedStore withoutTurns = FencedStore.builder(storage).name("no-turns").writerId("bench")
                        .updatesTakeTurns(false).listener(countConflicts).build()) {
            byte[] template = Values.template(size, 42);
            List<Variant> variants = List.of(
                    new Variant("with turns", t -> increment(withTurns, key("turns", hotKey, t), template, null)),
                    new Variant("without turns", t -> increment(withoutTurns, key("no-turns", hotKey, t), template,
                            gaveUp)));
            double[][] perSecond = PostgresInterleavedComparison.measure(variants, threads, rounds, blockMillis,
                    () -> {
                        conflicts.reset();
                        gaveUp.reset();
                    });
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = perSecond[0][r] / perSecond[1][r];
            }
            long landedWithout = Math.round(Arrays.stream(perSecond[1]).sum() * blockMillis / 1000.0);
            return String.format(Locale.ROOT, "| %s | %d | %s | %d × %d ms | %,.0f updates/s | %,.0f updates/s "
                    + "| **%.2f× [%.2f, %.2f]; %s** | %.2f; %d |", workload, threads, size + " B", rounds, blockMillis,
                    InterleavedComparison.median(perSecond[0]), InterleavedComparison.median(perSecond[1]),
                    InterleavedComparison.median(ratios), InterleavedComparison.quantile(ratios, 0.25),
                    InterleavedComparison.quantile(ratios, 0.75), InterleavedComparison.geometricMean(ratios),
                    conflicts.sum() / (double) Math.max(1, landedWithout), gaveUp.sum());
        } finally {
            BenchDirectory.deleteRecursively(trial);
        }
    }

    private static String key(String variant, boolean hotKey, int thread) {
        return hotKey ? variant + "-hot" : variant + "-" + thread;
    }

    /** One increment that landed; an update that gave up is made again (and counted in {@code gaveUp}). */
    private static long increment(FencedStore store, String key, byte[] template, @Nullable LongAdder gaveUp) {
        while (true) {
            try {
                store.update(key, base -> Values.withCounter(template, Values.counterOf(base.value().orElse(null)) + 1));
                return 1;
            } catch (RetriesExhaustedException everyAttemptLost) {
                if (gaveUp != null) {
                    gaveUp.increment();
                }
            }
        }
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
