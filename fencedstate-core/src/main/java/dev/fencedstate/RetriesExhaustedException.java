package dev.fencedstate;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A retried operation ({@link FencedStore#update}, or anything run by a {@link Retrier}) spent its
 * {@link RetryPolicy} budget, in attempts or in time, without committing. Nothing was written by the attempts that
 * failed; the key is simply busy.
 *
 * <p>What to do: try again later (an HTTP API answers 409 with {@code Retry-After}), give the operation a larger
 * budget, or {@linkplain FencedStore#claim claim} a key that is this hot. {@link #lastConflict()} is the conflict that
 * ended the last attempt, with the versions it saw (it is also the {@linkplain #getCause() cause}); it is empty when
 * the budget ran out while the update waited for its turn behind others of this process.
 */
public final class RetriesExhaustedException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final int attempts;
    private final Duration elapsed;

    RetriesExhaustedException(String key, int attempts, Duration elapsed, RetryPolicy policy,
            @Nullable VersionConflictException lastConflict) {
        super(key, message(key, attempts, elapsed, policy, lastConflict), lastConflict);
        this.attempts = attempts;
        this.elapsed = elapsed;
    }

    private static String message(String key, int attempts, Duration elapsed, RetryPolicy policy,
            @Nullable VersionConflictException lastConflict) {
        String budget = policy.maxAttempts() + " attempts"
                + (policy.hasTimeLimit() ? " within " + policy.maxElapsed().toMillis() + " ms" : "");
        String what = lastConflict == null
                ? "waiting for its turn behind other updates of the key in this process"
                : "every attempt lost to a concurrent commit (the last was based on version "
                        + lastConflict.expectedVersion() + ", the key was at " + lastConflict.actualVersion() + ")";
        return "Gave up on key '" + Keys.printable(key) + "' after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                + " in " + elapsed.toMillis() + " ms (budget " + budget + "): " + what
                + ". Nothing was written. Try again later, give the update a larger RetryPolicy, or claim the key.";
    }

    /** Attempts made, each a read, a computation and a commit that lost; 0 if the budget ran out before the first. */
    public int attempts() {
        return attempts;
    }

    /** How long the operation ran before it gave up. */
    public Duration elapsed() {
        return elapsed;
    }

    /** The conflict that ended the last attempt, if one was made. */
    public Optional<VersionConflictException> lastConflict() {
        return Optional.ofNullable((VersionConflictException) getCause());
    }

    @Override
    public String key() {
        return Objects.requireNonNull(super.key());
    }

    /** Retryable: nothing was written, and the same operation may succeed once the key is less busy. */
    @Override
    public boolean isRetryable() {
        return true;
    }
}
