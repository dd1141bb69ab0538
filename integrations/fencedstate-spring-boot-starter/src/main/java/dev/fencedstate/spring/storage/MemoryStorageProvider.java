package dev.fencedstate.spring.storage;

import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spring.FencedStorageProvider;
import dev.fencedstate.spring.FencedStoreSettings;
import java.time.Clock;
import java.util.Objects;

/**
 * Backend {@code memory}: each store in this process's memory, shared by its threads and lost when it exits. For
 * tests and single-process agents.
 */
public class MemoryStorageProvider implements FencedStorageProvider {

    /** The backend id. */
    public static final String BACKEND = "memory";

    private final Clock clock;

    public MemoryStorageProvider(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public StateStorage open(FencedStoreSettings settings) {
        return new InMemoryStorage(clock);
    }

    @Override
    public String toString() {
        return "MemoryStorageProvider[" + BACKEND + "]";
    }
}
