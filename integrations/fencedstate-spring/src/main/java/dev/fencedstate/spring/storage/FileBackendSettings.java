package dev.fencedstate.spring.storage;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The {@code files} backend's own settings ({@code fencedstate.files.*}, and per store
 * {@code fencedstate.stores.<name>.files.*}). A setting left unset keeps the default of {@link FileStorageProvider}
 * (the directory) or of core's {@code FileStorage} (the lock timeout).
 */
public class FileBackendSettings {

    /**
     * The base directory: each store lives in a subdirectory named after it ({@code <directory>/<store>}). Relative
     * paths resolve against the working directory. Processes that should share a store must use the same one.
     */
    private @Nullable Path directory;

    /** How long a write waits for a key's file lock before failing (nothing is written then). */
    private @Nullable Duration lockTimeout;

    public @Nullable Path getDirectory() {
        return directory;
    }

    public void setDirectory(@Nullable Path directory) {
        this.directory = directory;
    }

    public @Nullable Duration getLockTimeout() {
        return lockTimeout;
    }

    public void setLockTimeout(@Nullable Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
    }
}
