package dev.fencedstate;

import org.jspecify.annotations.Nullable;

/**
 * The root of every error fencedstate raises. Unchecked, because most of these are expected outcomes of
 * concurrency that a caller handles in one place (a retry loop, an error mapper), not at every call.
 *
 * <p>{@link #isRetryable()} tells whether the same operation, repeated on fresh state, can succeed:
 * a {@link VersionConflictException} can, a {@link FencedWriteException} cannot.
 */
public abstract class FencedStateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final @Nullable String key;

    protected FencedStateException(@Nullable String key, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** What happened, whether anything was written, and what to do: never null for fencedstate's exceptions. */
    @Override
    public String getMessage() {
        return java.util.Objects.requireNonNull(super.getMessage());
    }

    /** The key the failed operation addressed, or {@code null} when the failure is not about one key. */
    public @Nullable String key() {
        return key;
    }

    /** Whether repeating the operation on freshly read state may succeed. */
    public abstract boolean isRetryable();
}
