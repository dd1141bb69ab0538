package dev.fencedstate;

import dev.fencedstate.FencedStoreListener.UpdateOutcome;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The one retry engine of fencedstate: runs an attempt again after a {@link VersionConflictException}, as a
 * {@link RetryPolicy} says, and nothing else. {@link FencedStore#update}, the Spring integration's retry template and
 * every adapter that recomputes on a conflict (a conversation turn, a checkpoint) retry through it, so they all count
 * attempts, wait, give up and report alike.
 *
 * <ul>
 *   <li>Only version conflicts (and the adapters' subclasses of it) are retried. A {@link FencedWriteException} is
 *       never retried: a zombie must stop, not try again. Every other exception ends the operation at once.</li>
 *   <li>When the budget is spent, in attempts or in time ({@link RetryPolicy#maxElapsed()}), the operation ends with
 *       {@link RetriesExhaustedException}, whose cause is the last conflict. A wait that would end past the time
 *       budget is not begun.</li>
 *   <li>The listener hears each retry ({@link FencedStoreListener#onRetry}) and the end of each operation with its
 *       number of attempts ({@link FencedStoreListener#onUpdate}).</li>
 * </ul>
 * Immutable and thread-safe; one instance serves any number of concurrent operations.
 */
public final class Retrier {

    /** Pauses the thread between attempts; tests inject one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** One attempt of a retried operation. It may run several times, so it must only compute and commit. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(Execution execution);
    }

    private static final Sleeper THREAD_SLEEP =
            duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final @Nullable RandomGenerator random;
    private final LongSupplier ticker;
    private final FencedStoreListener listener;

    private Retrier(RetryPolicy policy, Sleeper sleeper, @Nullable RandomGenerator random, LongSupplier ticker,
            FencedStoreListener listener) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = random;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** A retrier that sleeps for real, with each thread's own random jitter and no listener. */
    public static Retrier of(RetryPolicy policy) {
        return new Retrier(policy, THREAD_SLEEP, null, System::nanoTime, FencedStoreListener.NONE);
    }

    /** The same retrier with another policy (an adapter whose attempts cost a model call wants fewer). */
    public Retrier withPolicy(RetryPolicy newPolicy) {
        return new Retrier(newPolicy, sleeper, random, ticker, listener);
    }

    /** The same retrier waiting with {@code newSleeper}. */
    public Retrier withSleeper(Sleeper newSleeper) {
        return new Retrier(policy, newSleeper, random, ticker, listener);
    }

    /** The same retrier drawing jitter from {@code newRandom} (for reproducible tests). */
    public Retrier withRandom(RandomGenerator newRandom) {
        return new Retrier(policy, sleeper, Objects.requireNonNull(newRandom, "random"), ticker, listener);
    }

    /** The same retrier measuring the time budget with {@code nanoTime} (tests move it with their sleeper). */
    public Retrier withTicker(LongSupplier nanoTime) {
        return new Retrier(policy, sleeper, random, nanoTime, listener);
    }

    /** The same retrier reporting to {@code newListener}. */
    public Retrier withListener(FencedStoreListener newListener) {
        return new Retrier(policy, sleeper, random, ticker, newListener);
    }

    public RetryPolicy policy() {
        return policy;
    }

    /** Runs {@code attempt} until it returns, retrying version conflicts as the policy allows. */
    public <T> T call(String key, Supplier<T> attempt) {
        Objects.requireNonNull(attempt, "attempt");
        return call(key, execution -> attempt.get());
    }

    /**
     * Runs {@code attempt} until it returns, retrying version conflicts as the policy allows; the attempt sees its
     * {@link Execution} (its number, the conflict that ended the previous one, the time left).
     *
     * @throws RetriesExhaustedException if the budget was spent (its cause is the last conflict)
     * @throws FencedStateException      anything else the attempt threw, at once (a fenced writer among them)
     */
    public <T> T call(String key, Attempt<T> attempt) {
        Objects.requireNonNull(attempt, "attempt");
        Execution execution = start(key);
        while (true) {
            T result;
            try {
                result = attempt.run(execution);
            } catch (VersionConflictException conflict) {
                execution.backOff(conflict);
                continue;
            } catch (RuntimeException | Error failure) {
                execution.failed(failure);
                throw failure;
            }
            execution.succeeded();
            return result;
        }
    }

    /**
     * Starts one operation whose attempts the caller runs itself (for a framework's own retry API): after each
     * conflict call {@link Execution#backOff}, at the end {@link Execution#succeeded} or {@link Execution#failed}.
     */
    public Execution start(String key) {
        return new Execution(Objects.requireNonNull(key, "key"), ticker.getAsLong());
    }

    @Override
    public String toString() {
        return "Retrier[" + policy + "]";
    }

    /** The state of one retried operation. Not thread-safe: it belongs to the thread running the operation. */
    public final class Execution {

        private final String key;
        private final long startedAt;
        private int attempt = 1;
        private @Nullable VersionConflictException lastConflict;
        private boolean ended;

        private Execution(String key, long startedAt) {
            this.key = key;
            this.startedAt = startedAt;
        }

        /** The key the operation is about. */
        public String key() {
            return key;
        }

        /** The number of the attempt running now, from 1. */
        public int attempt() {
            return attempt;
        }

        /** The conflict that ended the previous attempt, or {@code null} in the first. */
        public @Nullable VersionConflictException lastConflict() {
            return lastConflict;
        }

        /** How long the operation has run. */
        public Duration elapsed() {
            return Duration.ofNanos(Math.max(0, ticker.getAsLong() - startedAt));
        }

        /** What is left of the time budget, never negative; {@link RetryPolicy#NO_TIME_LIMIT} if it has none. */
        public Duration remaining() {
            if (!policy.hasTimeLimit()) {
                return RetryPolicy.NO_TIME_LIMIT;
            }
            Duration left = policy.maxElapsed().minus(elapsed());
            return left.isNegative() ? Duration.ZERO : left;
        }

        /**
         * The failed attempt ended with {@code conflict}: waits as the policy says and returns, so the caller starts
         * the next attempt; or, if the budget is spent, ends the operation with {@link RetriesExhaustedException}.
         *
         * @throws RetriesExhaustedException if no attempt may follow
         */
        public void backOff(VersionConflictException conflict) {
            Objects.requireNonNull(conflict, "conflict");
            requireRunning();
            lastConflict = conflict;
            if (attempt >= policy.maxAttempts()) {
                throw exhausted(attempt);
            }
            Duration wait = policy.backoffAfter(attempt,
                    random != null ? random : ThreadLocalRandom.current());
            if (wait.compareTo(remaining()) >= 0) {
                throw exhausted(attempt);
            }
            listener.onRetry(key, attempt, wait, conflict);
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                RetriesExhaustedException exhausted = exhausted(attempt);
                exhausted.addSuppressed(interrupted);
                throw exhausted;
            }
            attempt++;
        }

        /**
         * Ends the operation because its budget ran out before the current attempt could run (it waited for its
         * turn too long); the caller throws what this returns.
         */
        public RetriesExhaustedException outOfTime() {
            requireRunning();
            return exhausted(attempt - 1);
        }

        /** The current attempt committed: the operation is over. */
        public void succeeded() {
            requireRunning();
            ended = true;
            listener.onUpdate(key, UpdateOutcome.COMMITTED, attempt, elapsed());
        }

        /** The current attempt failed with something not retried: the operation is over. */
        public void failed(Throwable failure) {
            if (ended) {
                return; // already reported, e.g. as exhausted
            }
            ended = true;
            listener.onUpdate(key, UpdateOutcome.of(failure), attempt, elapsed());
        }

        private RetriesExhaustedException exhausted(int attemptsMade) {
            ended = true;
            Duration elapsed = elapsed();
            listener.onUpdate(key, UpdateOutcome.EXHAUSTED, attemptsMade, elapsed);
            return new RetriesExhaustedException(key, attemptsMade, elapsed, policy, lastConflict);
        }

        private void requireRunning() {
            if (ended) {
                throw new IllegalStateException("the operation on key '" + Keys.printable(key) + "' has ended");
            }
        }
    }
}
