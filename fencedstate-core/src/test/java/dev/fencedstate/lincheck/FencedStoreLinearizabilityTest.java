package dev.fencedstate.lincheck;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.Snapshot;
import dev.fencedstate.memory.InMemoryStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Lincheck runs these operations concurrently from several threads, many times, and checks that every observed
 * result could have come from some sequential order of the same operations (linearizability) of
 * {@link SequentialModel}, a plain single-threaded model of the protocol. Time is frozen, so no lease expires and
 * each operation is deterministic.
 */
@Param(name = "key", gen = IntGen.class, conf = "0:1")
@Tag("stress")
public class FencedStoreLinearizabilityTest {

    private static final Clock FROZEN = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final FencedStore store = FencedStore.builder(new InMemoryStorage(FROZEN)).writerId("w")
            .defaultLease(Duration.ofMinutes(1))
            .retryPolicy(new RetryPolicy(Integer.MAX_VALUE, Duration.ZERO, 1.0, Duration.ZERO, 0.0))
            .sleeper(duration -> Thread.onSpinWait())
            .build();

    /** Increments a counter with update (retries conflicts until it wins); refused while the key is claimed. */
    @Operation
    public String increment(@Param(name = "key") int key) {
        try {
            Snapshot after = store.update("k" + key, snapshot -> Long.toString(
                    snapshot.valueAsUtf8().map(Long::parseLong).orElse(0L) + 1).getBytes(UTF_8));
            return "value=" + after.valueAsUtf8().orElseThrow() + " version=" + after.version();
        } catch (ClaimHeldException held) {
            return "held";
        }
    }

    @Operation
    public String read(@Param(name = "key") int key) {
        Snapshot snapshot = store.read("k" + key);
        return snapshot.valueAsUtf8().orElse("-") + "/v" + snapshot.version() + "/e" + snapshot.epoch()
                + "/" + snapshot.holder().orElse("free");
    }

    /** Claims the key; returns the granted epoch, or -1 if a live claim is held. */
    @Operation
    public long claim(@Param(name = "key") int key) {
        try {
            return store.claim("k" + key).epoch();
        } catch (ClaimHeldException held) {
            return -1;
        }
    }

    @Operation
    public boolean revoke(@Param(name = "key") int key) {
        return store.revoke("k" + key);
    }

    @Test
    void operationsAreLinearizable() {
        StressOptions options = new StressOptions()
                .threads(3)
                .actorsPerThread(3)
                .iterations(60)
                .invocationsPerIteration(400)
                .sequentialSpecification(SequentialModel.class);
        LinChecker.check(FencedStoreLinearizabilityTest.class, options);
    }

    /** The protocol as a single-threaded model: what each operation must return in some sequential order. */
    public static class SequentialModel {

        private final java.util.Map<Integer, long[]> keys = new java.util.HashMap<>();

        /** {value (-1 = absent), version, epoch, held (0/1)}. */
        private long[] state(int key) {
            return keys.computeIfAbsent(key, k -> new long[] {-1, 0, 0, 0});
        }

        public String increment(int key) {
            long[] s = state(key);
            if (s[3] == 1) {
                return "held";
            }
            s[0] = Math.max(s[0], 0) + 1;
            s[1]++;
            return "value=" + s[0] + " version=" + s[1];
        }

        public String read(int key) {
            long[] s = state(key);
            return (s[0] < 0 ? "-" : Long.toString(s[0])) + "/v" + s[1] + "/e" + s[2] + "/" + (s[3] == 1 ? "w" : "free");
        }

        public long claim(int key) {
            long[] s = state(key);
            if (s[3] == 1) {
                return -1;
            }
            s[2]++;
            s[3] = 1;
            return s[2];
        }

        public boolean revoke(int key) {
            long[] s = state(key);
            if (s[3] == 0) {
                return false;
            }
            s[2]++;
            s[3] = 0;
            return true;
        }
    }
}
