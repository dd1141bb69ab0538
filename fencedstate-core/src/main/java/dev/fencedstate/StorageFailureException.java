package dev.fencedstate;

import org.jspecify.annotations.Nullable;

/**
 * The backend failed (an I/O error, a lost connection). {@link #outcomeKnown()} says whether the write may have
 * happened. When it is {@code true}, nothing was written. When it is {@code false}, read the key: if
 * {@link Snapshot#commitId()} is this exception's {@link #commitId()}, the commit landed; if the version is still the
 * one the commit was based on, it did not; otherwise a later commit overwrote the evidence and only the value can tell.
 */
public class StorageFailureException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final boolean outcomeKnown;
    private final @Nullable String commitId;

    public StorageFailureException(@Nullable String key, String message, boolean outcomeKnown,
            @Nullable String commitId, @Nullable Throwable cause) {
        super(key, message, cause);
        this.outcomeKnown = outcomeKnown;
        this.commitId = commitId;
    }

    /** {@code true} if nothing was written; {@code false} if the write may or may not have landed. */
    public boolean outcomeKnown() {
        return outcomeKnown;
    }

    /** The id of the commit whose outcome is in question, if the failure happened during a commit. */
    public @Nullable String commitId() {
        return commitId;
    }

    /** Storage failures are usually transient; whether to repeat a write of unknown outcome is the caller's call. */
    @Override
    public boolean isRetryable() {
        return outcomeKnown;
    }
}
