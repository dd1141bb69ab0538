package dev.fencedstate.spring.dao;

import dev.fencedstate.VersionConflictException;
import org.springframework.dao.OptimisticLockingFailureException;

/**
 * A version conflict as Spring sees it: an {@link OptimisticLockingFailureException}, so a transient failure that
 * existing retry code repeats. The cause is the original {@link VersionConflictException}.
 */
public class VersionConflictDataAccessException extends OptimisticLockingFailureException {

    private static final long serialVersionUID = 1L;

    private final VersionConflictException conflict;

    public VersionConflictDataAccessException(VersionConflictException conflict) {
        super(conflict.getMessage(), conflict);
        this.conflict = conflict;
    }

    public String key() {
        return conflict.key();
    }

    public long expectedVersion() {
        return conflict.expectedVersion();
    }

    public long actualVersion() {
        return conflict.actualVersion();
    }

    /** The original exception (also {@link #getCause()}). */
    public VersionConflictException conflict() {
        return conflict;
    }
}
