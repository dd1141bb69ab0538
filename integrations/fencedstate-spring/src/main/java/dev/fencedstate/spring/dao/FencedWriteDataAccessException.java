package dev.fencedstate.spring.dao;

import dev.fencedstate.FencedWriteException;
import org.springframework.dao.NonTransientDataAccessException;

/**
 * A write under a claim that is no longer the key's grant (a zombie writer), as Spring sees it: a
 * {@link NonTransientDataAccessException}, because repeating the same write can never succeed. Stop the work; claim
 * the key again and redo it from a fresh read if it must go on. The cause is the original
 * {@link FencedWriteException}.
 */
public class FencedWriteDataAccessException extends NonTransientDataAccessException {

    private static final long serialVersionUID = 1L;

    private final FencedWriteException fenced;

    public FencedWriteDataAccessException(FencedWriteException fenced) {
        super(fenced.getMessage(), fenced);
        this.fenced = fenced;
    }

    public String key() {
        return fenced.key();
    }

    /** The epoch the stale claim was granted at. */
    public long claimEpoch() {
        return fenced.claimEpoch();
    }

    /** The key's epoch when the write was checked. */
    public long currentEpoch() {
        return fenced.currentEpoch();
    }

    /** The original exception (also {@link #getCause()}). */
    public FencedWriteException fenced() {
        return fenced;
    }
}
