package dev.fencedstate.spring.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.Retrier;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.spring.dao.FencedWriteDataAccessException;
import dev.fencedstate.spring.dao.VersionConflictDataAccessException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.core.retry.RetryException;

/** Spring's RetryOperations, decided entirely by core's Retrier. */
class FencedStateRetryOperationsTest {

    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final AtomicLong nanoTime = new AtomicLong();
    private final List<String> reported = new CopyOnWriteArrayList<>();

    private Retrier retrier(RetryPolicy policy) {
        return Retrier.of(policy).withRandom(new SplittableRandom(7)).withTicker(nanoTime::get)
                .withSleeper(wait -> {
                    waits.add(wait);
                    nanoTime.addAndGet(wait.toNanos());
                })
                .withListener(new FencedStoreListener() {
                    @Override
                    public void onUpdate(String key, UpdateOutcome outcome, int attempts, Duration elapsed) {
                        reported.add(key + " " + outcome + " " + attempts);
                    }
                });
    }

    private static Object conflict() {
        throw new VersionConflictException("k", 1, 2);
    }

    @Test
    @DisplayName("the waits are the retrier's own, to the nanosecond: the same as core's policy draws")
    void waitsAreTheRetriers() {
        RetryPolicy policy = new RetryPolicy(4, Duration.ofNanos(1_500_000), 1.5, Duration.ofMillis(50), 0.3);
        FencedStateRetryOperations operations = new FencedStateRetryOperations(retrier(policy));
        assertThatThrownBy(() -> operations.invoke(FencedStateRetryOperationsTest::conflict))
                .isInstanceOf(RetriesExhaustedException.class);
        SplittableRandom same = new SplittableRandom(7);
        assertThat(waits).containsExactly(policy.backoffAfter(1, same), policy.backoffAfter(2, same),
                policy.backoffAfter(3, same));
        assertThat(waits).anySatisfy(wait -> assertThat(wait.toNanos() % 1_000_000).isNotZero());
        assertThat(reported).singleElement().asString().endsWith(" EXHAUSTED 4");
    }

    @Test
    @DisplayName("the time budget ends the retries too, before a wait it cannot cover")
    void timeBudget() {
        RetryPolicy policy = new RetryPolicy(100, Duration.ofMillis(10), 1.0, Duration.ofMillis(10), 0.0,
                Duration.ofMillis(35));
        FencedStateRetryOperations operations = new FencedStateRetryOperations(retrier(policy));
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> operations.execute(() -> {
            attempts.incrementAndGet();
            return conflict();
        })).isInstanceOf(RetryException.class).cause().isInstanceOfSatisfying(RetriesExhaustedException.class,
                exhausted -> assertThat(exhausted.attempts()).isEqualTo(4));
        assertThat(attempts).hasValue(4);
        assertThat(waits).hasSize(3);
    }

    @Test
    @DisplayName("conflicts, also translated ones, are retried until an attempt succeeds")
    void retriedUntilSuccess() throws Exception {
        FencedStateRetryOperations operations = new FencedStateRetryOperations(retrier(RetryPolicy.DEFAULT));
        AtomicInteger attempts = new AtomicInteger();
        String result = operations.execute(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new VersionConflictDataAccessException(new VersionConflictException("k", 1, 2));
            }
            if (attempts.get() == 2) {
                throw new VersionConflictException("k", 2, 3);
            }
            return "landed";
        });
        assertThat(result).isEqualTo("landed");
        assertThat(waits).hasSize(2);
        assertThat(reported.get(0)).endsWith(" COMMITTED 3");
    }

    @Test
    @DisplayName("a fenced writer is never retried, whatever the policy")
    void fencedNeverRetried() {
        FencedStateRetryOperations operations = new FencedStateRetryOperations(retrier(RetryPolicy.DEFAULT
                .withMaxAttempts(50)));
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> operations.execute(() -> {
            attempts.incrementAndGet();
            throw new FencedWriteException("k", 1, 2);
        })).isInstanceOf(RetryException.class).hasCauseInstanceOf(FencedWriteException.class);
        assertThatThrownBy(() -> operations.invoke(() -> {
            attempts.incrementAndGet();
            throw new FencedWriteDataAccessException(new FencedWriteException("k", 1, 2));
        })).isInstanceOf(FencedWriteDataAccessException.class);
        assertThat(attempts).hasValue(2);
        assertThat(waits).isEmpty();
        assertThat(reported).allSatisfy(line -> assertThat(line).endsWith(" FENCED 1"));
    }
}
