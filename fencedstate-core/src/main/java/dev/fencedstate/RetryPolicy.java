package dev.fencedstate;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a {@link Retrier} (and so {@link FencedStore#update}) retries a {@link VersionConflictException}: at most
 * {@code maxAttempts} attempts and at most {@code maxElapsed} in all, waiting between attempts with exponential backoff
 * and jitter so that writers who collided do not collide again in lock step. Only version conflicts are retried; a
 * fenced writer is never retried. When the budget is spent the operation ends with {@link RetriesExhaustedException}.
 *
 * @param maxAttempts    attempts in all, at least 1 (1 means no retry)
 * @param initialBackoff the wait before the second attempt, before jitter
 * @param multiplier     growth of the wait per attempt, at least 1
 * @param maxBackoff     the cap on any one wait, before jitter
 * @param jitter         the fraction of each wait that is randomised, from 0 (none) to 1 (anywhere in [0, wait])
 * @param maxElapsed     the time budget of the whole operation, waits and attempts included, measured from its
 *                       start: no attempt starts (and no wait is begun) that the budget cannot cover, and an update
 *                       waiting for its turn behind others in this process waits at most what is left of it;
 *                       {@link #NO_TIME_LIMIT} to count attempts only
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
        double jitter, Duration maxElapsed) {

    /** A {@link #maxElapsed} that never ends an operation: only the attempts are counted. */
    public static final Duration NO_TIME_LIMIT = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    /**
     * 10 attempts within 5 s, waits from 2 ms doubling up to 200 ms, half of each wait randomised. Updates of one key
     * within one process do not compete (they take turns, see {@link FencedStore#update}), so these retries are spent
     * only on conflicts with other processes and hosts.
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(10, Duration.ofMillis(2), 2.0, Duration.ofMillis(200),
            0.5, Duration.ofSeconds(5));

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxElapsed, "maxElapsed");
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
        if (maxElapsed.isNegative() || maxElapsed.isZero()) {
            throw new IllegalArgumentException("maxElapsed must be positive (NO_TIME_LIMIT for none), was "
                    + maxElapsed);
        }
    }

    /** A policy that counts attempts only: {@code maxAttempts}, with {@link #NO_TIME_LIMIT}. */
    public RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
            double jitter) {
        this(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, NO_TIME_LIMIT);
    }

    /** A policy that makes one attempt and never retries. */
    public static RetryPolicy noRetry() {
        return new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, 0.0);
    }

    /** The same policy with another number of attempts. */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, multiplier, maxBackoff, jitter, maxElapsed);
    }

    /** The same policy with another time budget. */
    public RetryPolicy withMaxElapsed(Duration budget) {
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, budget);
    }

    /** Whether {@link #maxElapsed} limits anything. */
    public boolean hasTimeLimit() {
        return !maxElapsed.equals(NO_TIME_LIMIT);
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
