package dev.fencedstate;

import java.time.Instant;

/**
 * Another writer holds a live claim on the key, so this claim, or this commit made without the claim, was refused.
 * Nothing was written.
 *
 * <p>What to do: try again later; the claim ends when its holder releases it or, at the latest, when its lease
 * expires at {@link #leaseDeadline()} and nobody renews it. Recovery can end it at once with
 * {@link FencedStore#revoke}.
 */
public final class ClaimHeldException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final String holder;
    private final Instant leaseDeadline;

    public ClaimHeldException(String key, String holder, Instant leaseDeadline) {
        super(key, "Claim held on key '" + Keys.printable(key) + "' by '" + Keys.printable(holder)
                + "' until " + leaseDeadline + ". Nothing was written. Try again after the holder releases it or "
                + "its lease expires; recovery can revoke it.", null);
        this.holder = holder;
        this.leaseDeadline = leaseDeadline;
    }

    /** The writer id of the live claim's holder. */
    public String holder() {
        return holder;
    }

    /** When the holder's lease expires unless renewed. */
    public Instant leaseDeadline() {
        return leaseDeadline;
    }

    @Override
    public String key() {
        return java.util.Objects.requireNonNull(super.key());
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
