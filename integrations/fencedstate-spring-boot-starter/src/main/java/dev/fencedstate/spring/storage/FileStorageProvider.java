package dev.fencedstate.spring.storage;

import dev.fencedstate.file.FileStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spring.FencedStorageProvider;
import dev.fencedstate.spring.FencedStoreSettings;
import java.time.Clock;
import java.util.Objects;

/**
 * Backend {@code files}, the default: each store in its own directory, {@code <fencedstate.files.directory>/<store>}
 * unless {@code fencedstate.stores.<store>.files.directory} names one. Processes on one host that point at the same
 * directory share the store.
 */
public class FileStorageProvider implements FencedStorageProvider {

    /** The backend id. */
    public static final String BACKEND = "files";

    private final Clock clock;

    /** @param clock the clock of lease deadlines; every process sharing a directory must use the host's clock */
    public FileStorageProvider(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public StateStorage open(FencedStoreSettings settings) {
        return FileStorage.builder(settings.filesDirectory())
                .clock(clock)
                .lockTimeout(settings.filesLockTimeout())
                .build();
    }

    @Override
    public String toString() {
        return "FileStorageProvider[" + BACKEND + "]";
    }
}
