package dev.fencedstate.spi;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a backend stores for one key. Immutable by contract: the {@code value} array is shared, never copied,
 * and nobody may modify it.
 *
 * @param key            the key
 * @param revision       bumped by every write of this record, whatever it changes; the backend's compare-and-set
 *                       compares only this, so a renewed lease is a change just like a commit
 * @param version        bumped by every commit and delete; the optimistic-concurrency version users see
 * @param epoch          the ownership epoch; bumped when a claim is granted and when one ends (release, revoke),
 *                       never otherwise
 * @param value          the committed value, or {@code null} if the key has no value (never written, or deleted)
 * @param holder         the writer id of the current claim, or {@code null} if unclaimed
 * @param leaseDeadline  when the current claim's lease ends; {@code null} exactly when {@code holder} is
 * @param lastWriter     the writer id of the last commit or delete, for debugging
 * @param lastCommitAt   when the last commit or delete was written, by the backend's clock; {@code null} with a
 *                       {@code lastCommitId} only in a replacement that asks the backend to stamp it (see
 *                       {@link StateStorage#compareAndSet})
 * @param lastCommitId   the id of the last commit or delete, to resolve a commit whose outcome is unknown
 */
public record StoredRecord(
        String key,
        long revision,
        long version,
        long epoch,
        byte @Nullable [] value,
        @Nullable String holder,
        @Nullable Instant leaseDeadline,
        @Nullable String lastWriter,
        @Nullable Instant lastCommitAt,
        @Nullable String lastCommitId) {

    public StoredRecord {
        Objects.requireNonNull(key, "key");
        if (revision < 1 || version < 0 || epoch < 0) {
            throw new IllegalArgumentException("revision must be >= 1, version and epoch >= 0: revision=" + revision
                    + " version=" + version + " epoch=" + epoch);
        }
        if ((holder == null) != (leaseDeadline == null)) {
            throw new IllegalArgumentException("holder and leaseDeadline are set together or not at all");
        }
        if (lastCommitAt != null && lastCommitId == null) {
            throw new IllegalArgumentException("a lastCommitAt needs the lastCommitId of that commit");
        }
    }

    // ------------------------------------------------------------ the protocol's transitions
    // One method per case of NextRecord in specs/FencedState.tla: the record an operation asks the backend to write
    // in place of the one it read and checked ({@code current}, null when the key has no record). Each bumps the
    // revision, so the backend's compare-and-set sees every change, and keeps everything the step does not change.

    /**
     * A commit ({@code value} non-null) or delete ({@code value} null, a tombstone that keeps version and epoch) on
     * {@code current}: the version moves on, the epoch and any claim stay, and the commit time is left for the
     * backend to stamp at the write ({@link #awaitsCommitTime()}).
     */
    public static StoredRecord committed(@Nullable StoredRecord current, String key, byte @Nullable [] value,
            String writer, String commitId) {
        Objects.requireNonNull(writer, "writer");
        Objects.requireNonNull(commitId, "commitId");
        if (current == null) {
            return new StoredRecord(key, 1, 1, 0, value, null, null, writer, null, commitId);
        }
        return new StoredRecord(key, current.revision + 1, current.version + 1, current.epoch, value,
                current.holder, current.leaseDeadline, writer, null, commitId);
    }

    /**
     * A claim granted to {@code holder} until {@code leaseDeadline} on {@code current}: a new epoch, which fences
     * whoever held an earlier grant (a reclamation, if {@code current} still names an expired holder).
     */
    public static StoredRecord claimed(@Nullable StoredRecord current, String key, String holder,
            Instant leaseDeadline) {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(leaseDeadline, "leaseDeadline");
        if (current == null) {
            return new StoredRecord(key, 1, 0, 1, null, holder, leaseDeadline, null, null, null);
        }
        return new StoredRecord(key, current.revision + 1, current.version, current.epoch + 1, current.value, holder,
                leaseDeadline, current.lastWriter, current.lastCommitAt, current.lastCommitId);
    }

    /** This claimed record with its lease moved to {@code leaseDeadline}; same holder, same epoch. */
    public StoredRecord renewed(Instant leaseDeadline) {
        Objects.requireNonNull(leaseDeadline, "leaseDeadline");
        if (holder == null) {
            throw new IllegalStateException("only a claimed record can be renewed: " + this);
        }
        return new StoredRecord(key, revision + 1, version, epoch, value, holder, leaseDeadline, lastWriter,
                lastCommitAt, lastCommitId);
    }

    /**
     * This record with its grant ended (a release or a revoke): no holder, and a new epoch, so the old holder is
     * fenced from now on.
     */
    public StoredRecord grantEnded() {
        return new StoredRecord(key, revision + 1, version, epoch + 1, value, null, null, lastWriter, lastCommitAt,
                lastCommitId);
    }

    /**
     * Whether this record is a commit whose time the backend is to stamp at the write: it has a commit id but no
     * commit time. {@link StateStorage#compareAndSet} stores such a record {@linkplain #withCommitTime with} the
     * backend's time.
     */
    public boolean awaitsCommitTime() {
        return lastCommitId != null && lastCommitAt == null;
    }

    /**
     * This record as a backend stores it at its time {@code now}: {@linkplain #withCommitTime stamped} if it
     * {@linkplain #awaitsCommitTime() awaits its commit time}, otherwise unchanged. For backends that take their time
     * from a {@link java.time.Clock} while they hold the key's lock.
     */
    public StoredRecord asWrittenAt(Instant now) {
        return awaitsCommitTime() ? withCommitTime(now) : this;
    }

    /** This record with its last commit stamped at {@code at}, the backend's time of the write. */
    public StoredRecord withCommitTime(Instant at) {
        Objects.requireNonNull(at, "at");
        return new StoredRecord(key, revision, version, epoch, value, holder, leaseDeadline, lastWriter, at,
                lastCommitId);
    }

    /** Whether the key has a live claim at {@code now}: a holder whose lease has not yet ended. */
    public boolean isClaimedAt(Instant now) {
        return holder != null && leaseDeadline != null && now.isBefore(leaseDeadline);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof StoredRecord that
                && revision == that.revision && version == that.version && epoch == that.epoch
                && key.equals(that.key) && Arrays.equals(value, that.value)
                && Objects.equals(holder, that.holder) && Objects.equals(leaseDeadline, that.leaseDeadline)
                && Objects.equals(lastWriter, that.lastWriter) && Objects.equals(lastCommitAt, that.lastCommitAt)
                && Objects.equals(lastCommitId, that.lastCommitId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, revision, version, epoch, Arrays.hashCode(value), holder, leaseDeadline);
    }

    @Override
    public String toString() {
        return "StoredRecord[key=" + dev.fencedstate.Keys.printable(key) + ", revision=" + revision
                + ", version=" + version + ", epoch=" + epoch
                + ", value=" + (value == null ? "absent" : value.length + " bytes")
                + ", holder=" + holder + ", leaseDeadline=" + leaseDeadline + ", lastWriter=" + lastWriter
                + ", lastCommitAt=" + lastCommitAt + ", lastCommitId=" + lastCommitId + "]";
    }
}
