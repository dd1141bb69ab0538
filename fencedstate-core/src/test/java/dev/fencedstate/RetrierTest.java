package dev.fencedstate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.FencedStoreListener.UpdateOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The one retry engine: what it retries, how long it waits, when it gives up, what it reports. Time is a ticker the
 * sleeper moves, so the time budget is tested without sleeping.
 */
@DisplayName("Retrier")
class RetrierTest {

    private final AtomicLong nanos = new AtomicLong();
    private final List<Duration> waits = new ArrayList<>();
    private final List<String> events = new ArrayList<>();

    private final FencedStoreListener recorder = new FencedStoreListener() {
        @Override
        public void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException conflict) {
            events.add("retry " + failedAttempt);
        }

        @Override
        public void onUpdate(String key, UpdateOutcome outcome, int attempts, Duration elapsed) {
            events.add(outcome + " after " + attempts);
        }
    };

    private Retrier retrier(RetryPolicy policy) {
        return Retrier.of(policy).withTicker(nanos::get).withRandom(new SplittableRandom(1)).withListener(recorder)
                .withSleeper(wait -> {
                    waits.add(wait);
                    nanos.addAndGet(wait.toNanos());
                });
    }

    private static VersionConflictException conflict(long expected) {
        return new VersionConflictException("k", expected, expected + 1);
    }

    @Test
    @DisplayName("retries conflicts until an attempt returns, and reports the attempts")
    void retriesUntilSuccess() {
        AtomicInteger calls = new AtomicInteger();
        String result = retrier(RetryPolicy.DEFAULT).call("k", execution -> {
            if (calls.incrementAndGet() < 3) {
                throw conflict(calls.get());
            }
            assertThat(execution.attempt()).isEqualTo(3);
            assertThat(execution.lastConflict()).isNotNull();
            assertThat(execution.lastConflict().expectedVersion()).isEqualTo(2);
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(waits).hasSize(2);
        assertThat(events).containsExactly("retry 1", "retry 2", "COMMITTED after 3");
    }

    @Test
    @DisplayName("gives up after maxAttempts with the last conflict as the cause")
    void givesUpOnAttempts() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retrier(RetryPolicy.DEFAULT.withMaxAttempts(4)).call("k", () -> {
            throw conflict(calls.incrementAndGet());
        })).isInstanceOfSatisfying(RetriesExhaustedException.class, exhausted -> {
            assertThat(exhausted.attempts()).isEqualTo(4);
            assertThat(exhausted.lastConflict()).get().extracting(VersionConflictException::expectedVersion)
                    .isEqualTo(4L);
            assertThat(exhausted.getMessage()).contains("after 4 attempts", "Nothing was written");
            assertThat(exhausted.key()).isEqualTo("k");
        });
        assertThat(calls).hasValue(4);
        assertThat(waits).hasSize(3);
        assertThat(events).endsWith("EXHAUSTED after 4");
    }

    @Test
    @DisplayName("gives up when the next wait would end past the time budget, without beginning it")
    void givesUpOnTime() {
        // Waits of exactly 10, 20, 40, 80 ms (no jitter); a 100 ms budget covers 10 + 20 + 40 = 70 ms, not 80 more.
        RetryPolicy policy = new RetryPolicy(100, Duration.ofMillis(10), 2.0, Duration.ofSeconds(1), 0.0,
                Duration.ofMillis(100));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retrier(policy).call("k", () -> {
            throw conflict(calls.incrementAndGet());
        })).isInstanceOfSatisfying(RetriesExhaustedException.class, exhausted -> {
            assertThat(exhausted.attempts()).isEqualTo(4);
            assertThat(exhausted.elapsed()).isEqualTo(Duration.ofMillis(70));
            assertThat(exhausted.getMessage()).contains("within 100 ms");
        });
        assertThat(waits).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40));
    }

    @Test
    @DisplayName("never retries a fenced writer, nor anything but a conflict")
    void retriesOnlyConflicts() {
        AtomicInteger calls = new AtomicInteger();
        Retrier retrier = retrier(RetryPolicy.DEFAULT);
        assertThatThrownBy(() -> retrier.call("k", () -> {
            calls.incrementAndGet();
            throw new FencedWriteException("k", 1, 2);
        })).isInstanceOf(FencedWriteException.class);
        assertThatThrownBy(() -> retrier.call("k", () -> {
            calls.incrementAndGet();
            throw new ClaimHeldException("k", "other", Instant.EPOCH);
        })).isInstanceOf(ClaimHeldException.class);
        assertThatThrownBy(() -> retrier.call("k", () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("bug");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(calls).hasValue(3);
        assertThat(waits).isEmpty();
        assertThat(events).containsExactly("FENCED after 1", "CLAIM_HELD after 1", "FAILED after 1");
    }

    @Test
    @DisplayName("an interrupted wait ends the operation as exhausted and keeps the interrupt")
    void interruptedWait() {
        Retrier retrier = Retrier.of(RetryPolicy.DEFAULT).withSleeper(wait -> {
            throw new InterruptedException("stop");
        });
        try {
            assertThatThrownBy(() -> retrier.call("k", () -> {
                throw conflict(1);
            })).isInstanceOf(RetriesExhaustedException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).hasOnlyElementsOfType(InterruptedException.class));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    @DisplayName("a policy without a time limit counts attempts only")
    void noTimeLimit() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofDays(1), 1.0, Duration.ofDays(1), 0.0);
        assertThat(policy.hasTimeLimit()).isFalse();
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retrier(policy).call("k", () -> {
            throw conflict(calls.incrementAndGet());
        })).isInstanceOf(RetriesExhaustedException.class);
        assertThat(calls).hasValue(3);
        assertThat(waits).containsExactly(Duration.ofDays(1), Duration.ofDays(1));
    }
}
