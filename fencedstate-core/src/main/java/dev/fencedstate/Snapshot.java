package dev.fencedstate;

import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a key held at one moment: its value (if any), version and ownership epoch, plus debugging metadata.
 * Immutable. A commit names the snapshot it was computed from; it succeeds only if the key is still at that version.
 *
 * <p>A key that was never written reads as version {@value #INITIAL_VERSION}, epoch 0, no value. A deleted key has
 * no value either, but keeps its (higher) version and its epoch, so a stale writer cannot resurrect it unnoticed.
 */
public final class Snapshot {

    /** The version of a key that was never written. */
    public static final long INITIAL_VERSION = 0;

    private final String key;
    private final byte @Nullable [] value;
    private final long version;
    private final long epoch;
    private final @Nullable String holder;
    private final @Nullable Instant leaseDeadline;
    private final @Nullable String lastWriter;
    private final @Nullable Instant lastCommitAt;
    private final @Nullable String commitId;

    // Where the snapshot came from, so that a commit based on it can be decided on it without reading again: the
    // storage (a snapshot of another storage is never used so: its revisions mean nothing here), the record, and a
    // backend time at which that record was the stored one.
    private final StateStorage source;
    private final @Nullable StoredRecord record;
    private final Instant observedAt;

    private Snapshot(String key, byte @Nullable [] value, long version, long epoch, @Nullable String holder,
            @Nullable Instant leaseDeadline, @Nullable String lastWriter, @Nullable Instant lastCommitAt,
            @Nullable String commitId, StateStorage source, @Nullable StoredRecord record, Instant observedAt) {
        this.key = key;
        this.value = value;
        this.version = version;
        this.epoch = epoch;
        this.holder = holder;
        this.leaseDeadline = leaseDeadline;
        this.lastWriter = lastWriter;
        this.lastCommitAt = lastCommitAt;
        this.commitId = commitId;
        this.source = source;
        this.record = record;
        this.observedAt = observedAt;
    }

    /** The snapshot of {@code record} (or of a key without one) that {@code source} stored at its time {@code at}. */
    static Snapshot of(String key, @Nullable StoredRecord record, StateStorage source, Instant at) {
        if (record == null) {
            return new Snapshot(key, null, INITIAL_VERSION, 0, null, null, null, null, null, source, null, at);
        }
        return new Snapshot(key, record.value(), record.version(), record.epoch(), record.holder(),
                record.leaseDeadline(), record.lastWriter(), record.lastCommitAt(), record.lastCommitId(), source,
                record, at);
    }

    /** Whether this snapshot was made by {@code storage} (from its record, or from its finding that there was none). */
    boolean cameFrom(StateStorage storage) {
        return source == storage;
    }

    /** The stored record this snapshot was made from; {@code null} if the key had none. */
    @Nullable StoredRecord record() {
        return record;
    }

    /** A backend time at which the snapshot's record was the stored one (never later than the backend's time now). */
    Instant observedAt() {
        return observedAt;
    }

    public String key() {
        return key;
    }

    /** Whether the key has a value (it was written and not deleted since). */
    public boolean exists() {
        return value != null;
    }

    /** A copy of the value, or empty if the key has none. */
    public Optional<byte[]> value() {
        return value == null ? Optional.empty() : Optional.of(value.clone());
    }

    /** The value decoded as UTF-8, or empty if the key has none. */
    public Optional<String> valueAsUtf8() {
        return value == null ? Optional.empty() : Optional.of(new String(value, StandardCharsets.UTF_8));
    }

    /** The value's length in bytes, or -1 if the key has none; does not copy the value. */
    public int valueSize() {
        return value == null ? -1 : value.length;
    }

    /** The version: {@value #INITIAL_VERSION} if never written, then one more for every commit and delete. */
    public long version() {
        return version;
    }

    /** The ownership epoch: 0 if never claimed, then bumped by every claim granted and every claim ended. */
    public long epoch() {
        return epoch;
    }

    /** The writer id of the claim holder at read time, if the key was claimed (the lease may have expired). */
    public Optional<String> holder() {
        return Optional.ofNullable(holder);
    }

    /** The lease deadline of the claim at read time, if the key was claimed. */
    public Optional<Instant> leaseDeadline() {
        return Optional.ofNullable(leaseDeadline);
    }

    /** The writer id of the last commit or delete. */
    public Optional<String> lastWriter() {
        return Optional.ofNullable(lastWriter);
    }

    /** When the last commit or delete was written, by the backend's clock. */
    public Optional<Instant> lastCommitAt() {
        return Optional.ofNullable(lastCommitAt);
    }

    /**
     * The id of the last commit or delete. After a {@link StorageFailureException} with an unknown outcome, read the
     * key: if it shows the failed commit's id here, the commit landed; if its version is still the one the commit was
     * based on, it did not; otherwise another commit came after and the metadata cannot tell, so check the value.
     */
    public Optional<String> commitId() {
        return Optional.ofNullable(commitId);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof Snapshot that && version == that.version && epoch == that.epoch
                && key.equals(that.key) && Arrays.equals(value, that.value) && Objects.equals(holder, that.holder)
                && Objects.equals(leaseDeadline, that.leaseDeadline) && Objects.equals(commitId, that.commitId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, version, epoch, commitId);
    }

    @Override
    public String toString() {
        return "Snapshot[key=" + Keys.printable(key) + ", version=" + version + ", epoch=" + epoch
                + ", value=" + (value == null ? "absent" : value.length + " bytes")
                + (holder == null ? "" : ", holder=" + Keys.printable(holder) + " until " + leaseDeadline) + "]";
    }
}
