package dev.fencedstate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.FencedStore;
import dev.fencedstate.spi.StateStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every backend passes. A backend's test extends this class and implements
 * {@link #createStorage(ManualClock)}; nothing else.
 */
public abstract class StorageContract {

    protected ManualClock clock;
    protected StateStorage storage;

    /**
     * Returns a new, empty storage whose lease time follows {@code clock}: its time must move forward exactly as far
     * as {@link ManualClock#elapsed()} (a backend with its own clock, such as a database, adds that offset to it).
     */
    protected abstract StateStorage createStorage(ManualClock clock) throws Exception;

    @BeforeEach
    void openStorage() throws Exception {
        clock = ManualClock.create();
        storage = createStorage(clock);
    }

    @AfterEach
    void closeStorage() {
        if (storage != null) {
            storage.close();
        }
    }

    /** A store on the shared storage with its own writer id. */
    protected FencedStore store(String writerId) {
        return FencedStore.builder(storage).writerId(writerId).build();
    }

    @Test
    void absentKeyReadsAsInitialVersion() {
        var snapshot = store("w").read("never-written");
        assertThat(snapshot.exists()).isFalse();
        assertThat(snapshot.version()).isZero();
        assertThat(snapshot.epoch()).isZero();
    }
}
