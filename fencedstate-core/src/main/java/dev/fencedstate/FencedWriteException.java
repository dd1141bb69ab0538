package dev.fencedstate;

/**
 * The write grant ({@link Claim}) this operation was made under is no longer the key's current grant: it was
 * reclaimed after its lease expired, revoked by recovery, or released. Nothing was written.
 *
 * <p>This is how a zombie writer is stopped: its version may still match, but its epoch does not.
 * Retrying with the same claim can never succeed, so nothing retries it automatically. What to do: stop the work
 * that was based on the old grant; if the work must continue, {@linkplain FencedStore#claim claim} the key again and
 * redo it from a fresh read.
 */
public final class FencedWriteException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final long claimEpoch;
    private final long currentEpoch;

    public FencedWriteException(String key, long claimEpoch, long currentEpoch) {
        super(key, "Fenced on key '" + Keys.printable(key) + "': the claim was granted at epoch " + claimEpoch
                + " but the key is at epoch " + currentEpoch
                + " (the claim was reclaimed, revoked or released). Nothing was written. "
                + "Do not retry with this claim: claim the key again and redo the work from a fresh read.", null);
        this.claimEpoch = claimEpoch;
        this.currentEpoch = currentEpoch;
    }

    /** The epoch the stale claim was granted at. */
    public long claimEpoch() {
        return claimEpoch;
    }

    /** The key's epoch when the write was checked; always greater than {@link #claimEpoch()}. */
    public long currentEpoch() {
        return currentEpoch;
    }

    @Override
    public String key() {
        return java.util.Objects.requireNonNull(super.key());
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
