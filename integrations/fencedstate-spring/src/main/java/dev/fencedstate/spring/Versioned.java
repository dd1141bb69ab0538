package dev.fencedstate.spring;

import dev.fencedstate.Snapshot;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A key's decoded value together with the snapshot it came from. Pass it back as the base of a commit under a claim:
 * the commit succeeds only if the key is still at this version.
 *
 * @param value    the decoded value, or {@code null} if the key has none (never written, or deleted)
 * @param snapshot the raw snapshot: version, epoch, claim holder and lease
 * @param <T>      the repository's value type
 */
public record Versioned<T>(@Nullable T value, Snapshot snapshot) {

    public Versioned {
        Objects.requireNonNull(snapshot, "snapshot");
    }

    public String key() {
        return snapshot.key();
    }

    /** The version: 0 if never written, then one more for every commit and delete. */
    public long version() {
        return snapshot.version();
    }

    /** The ownership epoch: bumped by every claim granted and every claim ended. */
    public long epoch() {
        return snapshot.epoch();
    }

    /** The value, or empty if the key has none. */
    public Optional<T> valueIfPresent() {
        return Optional.ofNullable(value);
    }

    /** Whether the key has a value. */
    public boolean exists() {
        return value != null;
    }
}
