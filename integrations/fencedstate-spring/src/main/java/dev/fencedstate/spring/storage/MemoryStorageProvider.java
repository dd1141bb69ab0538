package dev.fencedstate.spring.storage;

import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spring.FencedStorageProvider;
import java.time.Clock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Backend {@code memory}: each store in this process's memory, shared by its threads and lost when it exits. For
 * tests and single-process agents. It has no settings.
 */
public class MemoryStorageProvider implements FencedStorageProvider<Void> {

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
    public Class<Void> settingsType() {
        return Void.class;
    }

    @Override
    public StateStorage open(String storeName, @Nullable Void settings) {
        return new InMemoryStorage(clock);
    }

    @Override
    public String location(String storeName, StateStorage storage) {
        return "this process's memory (store '" + storeName + "', lost at exit)";
    }

    @Override
    public String toString() {
        return "MemoryStorageProvider[" + BACKEND + "]";
    }
}
