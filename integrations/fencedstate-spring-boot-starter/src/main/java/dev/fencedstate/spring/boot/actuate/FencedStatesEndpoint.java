package dev.fencedstate.spring.boot.actuate;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import dev.fencedstate.spring.FencedStores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code fencedstates} endpoint: every store with its keys (sorted), each key's version, epoch and claim (holder,
 * lease deadline, whether the lease is still live by the backend's clock), and what happened since the application
 * started (conflicts, fenced writes, recent events). A write operation revokes a stalled claim: it ends the claim by
 * force and bumps the key's epoch, so the stalled holder is fenced if it wakes.
 *
 * <p>Like every Actuator endpoint it is exposed over HTTP only if listed in
 * {@code management.endpoints.web.exposure.include}. Its default access is read-only: revoking needs
 * {@code management.endpoint.fencedstates.access=unrestricted}.
 */
@Endpoint(id = "fencedstates", defaultAccess = Access.READ_ONLY)
public class FencedStatesEndpoint {

    private final FencedStores stores;
    private final FencedStateActivity activity;

    public FencedStatesEndpoint(FencedStores stores, FencedStateActivity activity) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.activity = Objects.requireNonNull(activity, "activity");
    }

    /** Every store, by name. */
    @ReadOperation
    public FencedStatesDescriptor stores() {
        Map<String, StoreDescriptor> descriptors = new TreeMap<>();
        for (String name : stores.names()) {
            stores.find(name).ifPresent(store -> descriptors.put(name, describe(store)));
        }
        return new FencedStatesDescriptor(descriptors);
    }

    /** One store, or 404 if there is no store of that name. */
    @ReadOperation
    public @Nullable StoreDescriptor store(@Selector String name) {
        return stores.find(name).map(this::describe).orElse(null);
    }

    /**
     * Recovery: ends the claim on {@code key} by force and bumps its epoch, so the holder is fenced from now on.
     *
     * @return what was done
     * @throws InvalidEndpointRequestException (HTTP 400) if there is no store of that name
     */
    @WriteOperation
    public RevocationDescriptor revoke(@Selector String name, String key) {
        Optional<FencedStore> found = stores.find(name);
        if (found.isEmpty()) {
            String message = "No fencedstate store named '" + name + "'; stores: " + stores.names();
            throw new InvalidEndpointRequestException(message, message);
        }
        FencedStore store = found.get();
        Snapshot before = store.read(key);
        boolean revoked = store.revoke(key);
        Snapshot after = store.read(key);
        return new RevocationDescriptor(name, key, revoked, before.holder().orElse(null), before.epoch(),
                after.epoch());
    }

    private StoreDescriptor describe(FencedStore store) {
        StateStorage storage = store.storage();
        List<KeyDescriptor> keys = new ArrayList<>();
        int liveClaims = 0;
        for (String key : store.keys()) {
            StorageRead read = storage.read(key);
            StoredRecord record = read.record();
            if (record == null) {
                continue;
            }
            ClaimDescriptor claim = null;
            if (record.holder() != null && record.leaseDeadline() != null) {
                boolean live = record.isClaimedAt(read.now());
                liveClaims += live ? 1 : 0;
                claim = new ClaimDescriptor(record.holder(), record.leaseDeadline(), live);
            }
            FencedStateActivity.KeyCounts counts = activity.keyCounts(store.name(), key);
            keys.add(new KeyDescriptor(key, record.version(), record.epoch(), record.value() != null,
                    record.value() == null ? -1 : record.value().length, claim, record.lastWriter(),
                    record.lastCommitAt(), counts.conflicts(), counts.fenced()));
        }
        FencedStateActivity.StoreActivity storeActivity = activity.activity(store.name());
        return new StoreDescriptor(store.name(), storage.describe(), store.writerId(), keys.size(), liveClaims, keys,
                storeActivity);
    }

    /** Every store, by name. */
    public record FencedStatesDescriptor(Map<String, StoreDescriptor> stores) {
    }

    /**
     * One store.
     *
     * @param activity what happened since the application started: counts and the most recent notable events
     */
    public record StoreDescriptor(String name, String backend, String writerId, int keyCount, int liveClaims,
            List<KeyDescriptor> keys, FencedStateActivity.StoreActivity activity) {
    }

    /**
     * One key.
     *
     * @param valueBytes the value's size, or -1 if the key has no value
     * @param claim      the key's claim, or {@code null} if nobody holds one
     * @param conflicts  version conflicts on this key since the application started
     * @param fenced     fenced writes on this key since the application started
     */
    public record KeyDescriptor(String key, long version, long epoch, boolean hasValue, int valueBytes,
            @Nullable ClaimDescriptor claim, @Nullable String lastWriter, @Nullable Instant lastCommitAt,
            long conflicts, long fenced) {
    }

    /**
     * A claim on a key.
     *
     * @param live whether its lease has not ended yet, by the backend's clock; an expired claim still fences writers
     *             that are not its holder, and anyone may reclaim it
     */
    public record ClaimDescriptor(String holder, Instant leaseDeadline, boolean live) {
    }

    /** What a revocation did. */
    public record RevocationDescriptor(String store, String key, boolean revoked, @Nullable String formerHolder,
            long epochBefore, long epochAfter) {
    }
}
