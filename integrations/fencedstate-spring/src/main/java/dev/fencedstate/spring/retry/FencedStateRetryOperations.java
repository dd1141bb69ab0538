package dev.fencedstate.spring.retry;

import dev.fencedstate.FencedStore;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.Retrier;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.spring.dao.FencedStateExceptionTranslator;
import dev.fencedstate.spring.dao.VersionConflictDataAccessException;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryOperations;
import org.springframework.core.retry.Retryable;

/**
 * Spring Framework's {@link RetryOperations}, for application code that retries its own unit of work on a version
 * conflict, run by core's {@link Retrier}: the one retry engine that {@link FencedStore#update} uses. The retrier
 * decides everything (which failures are retried, how long to wait, to the nanosecond, when the attempts or the time
 * budget are spent); this class only adapts Spring's call shapes to it and counts nothing itself.
 *
 * <ul>
 *   <li>Retried: a {@link VersionConflictException}, and its Spring translation
 *       {@link VersionConflictDataAccessException}. Nothing else: a fenced writer
 *       ({@code FencedWriteException}, {@code FencedWriteDataAccessException}) is never retried, whatever the
 *       policy.</li>
 *   <li>{@link #execute} follows {@link RetryOperations}' contract: a failure that is not retried, or a spent budget
 *       (cause: {@link RetriesExhaustedException}, whose cause is the last conflict), ends it with a
 *       {@link RetryException}. {@link #invoke} throws those exceptions themselves, unwrapped.</li>
 * </ul>
 * The unit of work must re-read what it depends on in every attempt: an attempt computed from a stale read loses
 * again.
 */
public final class FencedStateRetryOperations implements RetryOperations {

    private final Retrier retrier;

    /** Retries as {@code retrier} says; {@link FencedStore#retrier()} gives a store's own, reporting to its listener. */
    public FencedStateRetryOperations(Retrier retrier) {
        this.retrier = Objects.requireNonNull(retrier, "retrier");
    }

    /** The retry engine behind these operations. */
    public Retrier retrier() {
        return retrier;
    }

    @Override
    public <R extends @Nullable Object> R execute(Retryable<R> retryable) throws RetryException {
        Objects.requireNonNull(retryable, "retryable");
        try {
            return run(retryable.getName(), retryable);
        } catch (RetriesExhaustedException exhausted) {
            throw new RetryException(exhausted.getMessage(), exhausted);
        } catch (Throwable failure) {
            throw new RetryException("Not retried: " + retryable.getName() + " failed with " + failure, failure);
        }
    }

    @Override
    public <R extends @Nullable Object> R invoke(Supplier<R> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        try {
            return run(supplier.getClass().getName(), supplier::get);
        } catch (RuntimeException | Error failure) {
            throw failure; // a spent budget is a RetriesExhaustedException, itself unchecked
        } catch (Throwable impossible) {
            throw new IllegalStateException("a Supplier threw a checked exception", impossible);
        }
    }

    /** The one loop: each attempt, then as the retrier says after a conflict; everything else ends it. */
    private <R extends @Nullable Object> R run(String name, Retryable<R> attempt) throws Throwable {
        Retrier.Execution execution = retrier.start(name);
        while (true) {
            try {
                R result = attempt.execute();
                execution.succeeded();
                return result;
            } catch (Throwable failure) {
                VersionConflictException conflict = conflictIn(failure);
                if (conflict == null) {
                    execution.failed(reported(failure));
                    throw failure;
                }
                execution.backOff(conflict); // throws RetriesExhaustedException when the budget is spent
            }
        }
    }

    @Override
    public void invoke(Runnable runnable) {
        Objects.requireNonNull(runnable, "runnable");
        invoke(() -> {
            runnable.run();
            return null;
        });
    }

    @Override
    public String toString() {
        return "FencedStateRetryOperations[" + retrier.policy() + "]";
    }

    /** What the retrier's listener hears: the fencedstate exception behind a Spring translation. */
    private static Throwable reported(Throwable failure) {
        return FencedStateExceptionTranslator.original(failure).<Throwable>map(original -> original).orElse(failure);
    }

    /** The conflict to retry, if {@code failure} is one (a fenced write never is: it is not a conflict). */
    private static @Nullable VersionConflictException conflictIn(Throwable failure) {
        if (failure instanceof VersionConflictException conflict) {
            return conflict;
        }
        if (failure instanceof VersionConflictDataAccessException translated) {
            return translated.conflict();
        }
        return null;
    }
}
