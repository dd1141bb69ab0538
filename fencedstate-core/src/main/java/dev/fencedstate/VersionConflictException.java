package dev.fencedstate;

/**
 * Another writer committed to the key after the snapshot this commit was based on. Nothing was written.
 *
 * <p>What to do: read the key again, recompute the new value from the fresh snapshot, and commit again.
 * {@link FencedStore#update} does exactly that, with bounded retries.
 *
 * <p>Adapters subclass it to add what their callers need to retry (the current head of a conversation, of a
 * checkpoint chain), so that every conflict, whatever its source, is caught and retried as one type.
 */
public class VersionConflictException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final long expectedVersion;
    private final long actualVersion;

    public VersionConflictException(String key, long expectedVersion, long actualVersion) {
        this(key, expectedVersion, actualVersion, "Version conflict on key '" + Keys.printable(key)
                + "': the commit was based on version " + expectedVersion + " but the key is at version "
                + actualVersion + ". Nothing was written. Read the key again, recompute, and commit again.", null);
    }

    /** For subclasses that describe the conflict in their own terms; the message must say what to do. */
    protected VersionConflictException(String key, long expectedVersion, long actualVersion, String message,
            @org.jspecify.annotations.Nullable Throwable cause) {
        super(key, message, cause);
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion;
    }

    /** The version the commit was based on. */
    public long expectedVersion() {
        return expectedVersion;
    }

    /** The version the key was at when the commit was checked. */
    public long actualVersion() {
        return actualVersion;
    }

    @Override
    public final String key() {
        return java.util.Objects.requireNonNull(super.key());
    }

    @Override
    public final boolean isRetryable() {
        return true;
    }
}
