package dev.fencedstate;

import java.time.Instant;
import java.util.Objects;

/**
 * A write grant on one key, with a lease. Only {@link FencedStore} creates claims.
 *
 * <p>The claim is valid for exactly as long as the key's ownership epoch equals {@link #epoch()}. Reclamation by
 * another writer (after the lease expired), {@linkplain FencedStore#revoke revocation} by recovery, and
 * {@linkplain FencedStore#release release} all move the epoch on, and from then on every write made under this claim
 * fails with {@link FencedWriteException}, even if the key's version never moved. The lease only bounds how long
 * others must wait before they may reclaim; the epoch decides who may write.
 */
public final class Claim {

    private final String key;
    private final String holder;
    private final long epoch;
    private final Instant leaseDeadline;
    private final Snapshot snapshot;
    private final boolean reclaimed;

    Claim(String key, String holder, long epoch, Instant leaseDeadline, Snapshot snapshot, boolean reclaimed) {
        this.key = key;
        this.holder = holder;
        this.epoch = epoch;
        this.leaseDeadline = leaseDeadline;
        this.snapshot = snapshot;
        this.reclaimed = reclaimed;
    }

    public String key() {
        return key;
    }

    /** The writer id of the holder. */
    public String holder() {
        return holder;
    }

    /** The epoch this claim was granted at: its fencing token. */
    public long epoch() {
        return epoch;
    }

    /** When the lease ends unless {@linkplain FencedStore#renew renewed}, by the backend's clock. */
    public Instant leaseDeadline() {
        return leaseDeadline;
    }

    /** The key as it was when the claim was granted or last renewed; a valid base for the first commit. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Whether granting this claim took over another writer's expired claim. */
    public boolean reclaimed() {
        return reclaimed;
    }

    @Override
    public boolean equals(@org.jspecify.annotations.Nullable Object other) {
        return other instanceof Claim that && epoch == that.epoch && key.equals(that.key)
                && holder.equals(that.holder) && leaseDeadline.equals(that.leaseDeadline);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, holder, epoch, leaseDeadline);
    }

    @Override
    public String toString() {
        return "Claim[key=" + Keys.printable(key) + ", holder=" + Keys.printable(holder) + ", epoch=" + epoch
                + ", leaseDeadline=" + leaseDeadline + (reclaimed ? ", reclaimed" : "") + "]";
    }
}
