package dev.fencedstate.spi;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a backend returns for a read: the key's record, if any, and the backend's current time.
 *
 * <p>The backend is the time authority for leases: a backend shared across hosts reads time from the shared system
 * (the database clock), so a host with a skewed clock can neither keep an expired lease nor steal a live one.
 *
 * @param record the stored record, or {@code null} if the key was never written
 * @param now    the backend's clock at the time of the read
 */
public record StorageRead(@Nullable StoredRecord record, Instant now) {

    public StorageRead {
        Objects.requireNonNull(now, "now");
    }
}
