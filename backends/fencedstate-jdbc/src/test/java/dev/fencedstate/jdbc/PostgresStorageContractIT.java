package dev.fencedstate.jdbc;

import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.testkit.ManualClock;
import dev.fencedstate.testkit.StorageContract;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;

/**
 * The full contract kit, unchanged, against a real PostgreSQL server. Each test gets a store (namespace) of its own in
 * the shared table.
 *
 * <p>Lease time is the database clock plus a test-only offset: a constant that lines the database clock up with the
 * test's {@link ManualClock} when the storage is created, plus {@link ManualClock#elapsed()}. So the storage's time
 * moves forward exactly as far as the test moves the clock (and, as a database clock does, with real time).
 */
@Tag("postgres")
class PostgresStorageContractIT extends StorageContract {

    @Override
    protected StateStorage createStorage(ManualClock clock) {
        AtomicReference<Duration> alignment = new AtomicReference<>(Duration.ZERO);
        JdbcStorage storage = JdbcStorage.builder(TestDatabase.sharedPool())
                .store(TestDatabase.uniqueStore("contract"))
                .clockOffset(() -> alignment.get().plus(clock.elapsed()))
                .build();
        Instant databaseNow = storage.read("clock-alignment").now().minus(clock.elapsed());
        alignment.set(Duration.between(databaseNow, clock.instant().minus(clock.elapsed())));
        return storage;
    }
}
