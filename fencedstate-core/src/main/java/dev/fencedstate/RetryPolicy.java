package dev.fencedstate;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How {@link FencedStore#update} retries a {@link VersionConflictException}: at most {@code maxAttempts} attempts in
 * all, waiting between them with exponential backoff and jitter so that writers who collided do not collide again in
 * lock step. Only version conflicts are retried; a fenced writer is never retried.
 *
 * @param maxAttempts    attempts in all, at least 1 (1 means no retry)
 * @param initialBackoff the wait before the second attempt, before jitter
 * @param multiplier     growth of the wait per attempt, at least 1
 * @param maxBackoff     the cap on any one wait, before jitter
 * @param jitter         the fraction of each wait that is randomised, from 0 (none) to 1 (anywhere in [0, wait])
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
        double jitter) {

    /** 10 attempts, waits from 2 ms doubling up to 200 ms, half of each wait randomised. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(10, Duration.ofMillis(2), 2.0, Duration.ofMillis(200), 0.5);

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must be >= 0 and maxBackoff >= initialBackoff, were "
                    + initialBackoff + " and " + maxBackoff);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1, was " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
        }
    }

    /** A policy that makes one attempt and never retries. */
    public static RetryPolicy noRetry() {
        return new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, 0.0);
    }

    /** The same policy with another number of attempts. */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, multiplier, maxBackoff, jitter);
    }

    /**
     * The wait after failed attempt number {@code failedAttempt} (1-based): {@code initialBackoff * multiplier^(n-1)},
     * capped at {@code maxBackoff}, of which a {@code jitter} fraction is replaced by a uniform random share.
     */
    public Duration backoffAfter(int failedAttempt, RandomGenerator random) {
        if (failedAttempt < 1) {
            throw new IllegalArgumentException("failedAttempt is 1-based, was " + failedAttempt);
        }
        double base = initialBackoff.toNanos() * Math.pow(multiplier, failedAttempt - 1.0);
        double capped = Math.min(base, maxBackoff.toNanos());
        double fixed = capped * (1.0 - jitter);
        double randomShare = jitter == 0.0 ? 0.0 : random.nextDouble() * capped * jitter;
        return Duration.ofNanos((long) (fixed + randomShare));
    }
}
