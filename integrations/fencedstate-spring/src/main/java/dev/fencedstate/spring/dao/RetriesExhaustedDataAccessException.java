package dev.fencedstate.spring.dao;

import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.VersionConflictException;
import java.time.Duration;
import java.util.Optional;
import org.springframework.dao.OptimisticLockingFailureException;

/**
 * An update spent its retry budget (attempts or time) without committing, as Spring sees it: an
 * {@link OptimisticLockingFailureException}, so transient: nothing was written, and the same update may succeed once
 * the key is less busy. The cause is the original {@link RetriesExhaustedException}.
 */
public class RetriesExhaustedDataAccessException extends OptimisticLockingFailureException {

    private static final long serialVersionUID = 1L;

    private final RetriesExhaustedException exhausted;

    public RetriesExhaustedDataAccessException(RetriesExhaustedException exhausted) {
        super(exhausted.getMessage(), exhausted);
        this.exhausted = exhausted;
    }

    public String key() {
        return exhausted.key();
    }

    /** Attempts made; 0 if the budget ran out while the update waited for its turn. */
    public int attempts() {
        return exhausted.attempts();
    }

    /** How long the update ran before it gave up. */
    public Duration elapsed() {
        return exhausted.elapsed();
    }

    /** The conflict that ended the last attempt, if one was made. */
    public Optional<VersionConflictException> lastConflict() {
        return exhausted.lastConflict();
    }

    /** The original exception (also {@link #getCause()}). */
    public RetriesExhaustedException exhausted() {
        return exhausted;
    }
}
