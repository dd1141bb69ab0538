package dev.fencedstate.memory;

import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * Keeps records in a concurrent map of this JVM. Nothing survives the process; for shared state across processes use
 * {@link dev.fencedstate.file.FileStorage}.
 */
public final class InMemoryStorage implements StateStorage {

    private final ConcurrentMap<String, StoredRecord> records = new ConcurrentHashMap<>();
    private final Clock clock;

    /** A storage whose lease time comes from the system UTC clock. */
    public InMemoryStorage() {
        this(Clock.systemUTC());
    }

    /** A storage whose lease time comes from {@code clock} (tests pass a clock they move). */
    public InMemoryStorage(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public StorageRead read(String key) {
        return new StorageRead(records.get(key), clock.instant());
    }

    @Override
    public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected, StoredRecord replacement) {
        String key = replacement.key();
        @Nullable StoredRecord[] written = {null};
        // compute() runs atomically per key, so the commit time is taken while the swap is decided; comparing by
        // revision, not identity, matches the SPI contract.
        records.compute(key, (k, stored) -> {
            boolean unchanged = expected == null ? stored == null
                    : stored != null && stored.revision() == expected.revision();
            if (!unchanged) {
                return stored;
            }
            written[0] = replacement.asWrittenAt(clock.instant());
            return written[0];
        });
        return written[0];
    }

    @Override
    public List<String> keys() {
        List<String> keys = new ArrayList<>(records.keySet());
        keys.sort(null);
        return keys;
    }

    @Override
    public String describe() {
        return "memory";
    }
}
