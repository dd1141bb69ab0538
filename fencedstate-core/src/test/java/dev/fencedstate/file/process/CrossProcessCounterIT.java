package dev.fencedstate.file.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.FencedStore;
import dev.fencedstate.file.FileStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent lost update, across processes: 3 JVMs × 4 threads increment 3 shared counters in one directory with
 * {@link FencedStore#update}, a fixed number of times each. If two commits ever both won from the same version, one
 * increment would be lost: the final value would be lower than the increments acknowledged, and two writers would
 * have been acknowledged the same value.
 */
class CrossProcessCounterIT {

    private static final int PROCESSES = 3;
    private static final int THREADS = 4;
    private static final int OPERATIONS_PER_THREAD = 40;
    private static final List<String> KEYS = List.of("counter-a", "counter-b", "counter-c");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path directory;

    @Test
    void everyAcknowledgedIncrementFromEveryProcessIsCountedExactlyOnce() {
        long started = System.nanoTime();
        CounterWriters.Results results = CounterWriters.race("counter", directory, PROCESSES, THREADS,
                OPERATIONS_PER_THREAD, KEYS, START_TIMEOUT, RUN_TIMEOUT, () -> { });
        results.keysByWriter().forEach((writer, keys) -> assertThat(keys).as("keys %s committed to", writer)
                .containsExactlyInAnyOrderElementsOf(KEYS));
        Map<String, List<Long>> acknowledgedValues = results.acknowledgedValues();
        long conflicts = results.conflicts();
        long gaveUp = results.gaveUp();

        long totalAcknowledged = results.acknowledged();
        System.out.printf("[cross-process] %d processes x %d threads x %d updates on %d keys: %d acknowledged, "
                        + "%d gave up after all retries, %d version conflicts met, %d ms%n", PROCESSES, THREADS,
                OPERATIONS_PER_THREAD, KEYS.size(), totalAcknowledged, gaveUp, conflicts,
                Duration.ofNanos(System.nanoTime() - started).toMillis());

        assertThat(totalAcknowledged + gaveUp)
                .as("every update either acknowledged or reported as given up")
                .isEqualTo((long) PROCESSES * THREADS * OPERATIONS_PER_THREAD);
        assertThat(conflicts).as("version conflicts met (else the processes never raced and this proves nothing)")
                .isPositive();
        try (FencedStore store = FencedStore.builder(FileStorage.open(directory)).build()) {
            for (String key : KEYS) {
                List<Long> acknowledged = acknowledgedValues.get(key);
                long finalValue = Long.parseLong(store.read(key).valueAsUtf8().orElseThrow());
                System.out.printf("[cross-process] %s: final value %d, %d acknowledged increments%n", key, finalValue,
                        acknowledged.size());
                assertThat(finalValue).as("final value of %s == its acknowledged increments", key)
                        .isEqualTo(acknowledged.size());
                // Stronger than the total: each committed value was acknowledged to exactly one writer, so no two
                // writers ever both committed on top of the same version.
                assertThat(acknowledged).as("values acknowledged for %s", key)
                        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, finalValue).boxed().toList());
                assertThat(store.read(key).version()).as("version of %s", key).isEqualTo(finalValue);
            }
            assertThat(store.keys()).containsExactlyInAnyOrderElementsOf(KEYS);
        }
    }
}
