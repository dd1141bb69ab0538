package dev.fencedstate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffGrowsExponentiallyUpToTheCapWithoutJitter() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(10), 2.0, Duration.ofMillis(50), 0.0);
        SplittableRandom random = new SplittableRandom(1);
        assertThat(policy.backoffAfter(1, random)).isEqualTo(Duration.ofMillis(10));
        assertThat(policy.backoffAfter(2, random)).isEqualTo(Duration.ofMillis(20));
        assertThat(policy.backoffAfter(3, random)).isEqualTo(Duration.ofMillis(40));
        assertThat(policy.backoffAfter(4, random)).isEqualTo(Duration.ofMillis(50));
        assertThat(policy.backoffAfter(30, random)).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void jitterStaysWithinItsShareAndActuallyVaries() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), 1.0, Duration.ofMillis(100), 0.5);
        SplittableRandom random = new SplittableRandom(7);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 1000; i++) {
            long nanos = policy.backoffAfter(1, random).toNanos();
            assertThat(nanos).isBetween(Duration.ofMillis(50).toNanos(), Duration.ofMillis(100).toNanos());
            min = Math.min(min, nanos);
            max = Math.max(max, nanos);
        }
        assertThat(max - min).isGreaterThan(Duration.ofMillis(40).toNanos());
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, 1, Duration.ZERO, 0))
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), 1, Duration.ofSeconds(1), 0))
                .hasMessageContaining("maxBackoff >= initialBackoff");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, 0.5, Duration.ZERO, 0))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO, 1.5))
                .hasMessageContaining("jitter");
        assertThat(RetryPolicy.noRetry().maxAttempts()).isEqualTo(1);
    }
}
