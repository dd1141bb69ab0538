package dev.fencedstate.spring.storage;

import dev.fencedstate.file.FileStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spring.FencedStateConfigurationException;
import dev.fencedstate.spring.FencedStorageProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Backend {@code files}, the default: each store in its own directory, {@code <directory>/<store>}, the directory
 * being {@link FileBackendSettings#getDirectory()} ({@value #DEFAULT_DIRECTORY} in the working directory unless set).
 * Processes on one host that point at the same directory share the store.
 *
 * <p>Why {@value #DEFAULT_DIRECTORY} in the working directory by default: state survives reboots (temporary
 * directories are cleaned by the OS) and is not in a world-writable place another user could prepare; processes
 * started from the same directory share it, which is what this backend is for. Set an absolute path in production.
 */
public class FileStorageProvider implements FencedStorageProvider<FileBackendSettings> {

    /** The backend id. */
    public static final String BACKEND = "files";

    /** The base directory when none is set, relative to the working directory. */
    public static final String DEFAULT_DIRECTORY = ".fencedstate";

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
    public Class<FileBackendSettings> settingsType() {
        return FileBackendSettings.class;
    }

    @Override
    public void validate(FileBackendSettings settings, String propertyPrefix) {
        Duration lockTimeout = settings.getLockTimeout();
        if (lockTimeout != null && (lockTimeout.isNegative() || lockTimeout.isZero())) {
            throw new FencedStateConfigurationException("Invalid " + propertyPrefix + ".lock-timeout: it must be a "
                    + "positive duration, was " + lockTimeout + ".", "Change " + propertyPrefix + ".lock-timeout.");
        }
    }

    /** The directory of the store named {@code storeName}, absolute. */
    public Path directory(String storeName, @Nullable FileBackendSettings settings) {
        Path base = settings != null && settings.getDirectory() != null
                ? Objects.requireNonNull(settings.getDirectory()) : Path.of(DEFAULT_DIRECTORY);
        return base.resolve(storeName).toAbsolutePath().normalize();
    }

    @Override
    public StateStorage open(String storeName, @Nullable FileBackendSettings settings) {
        FileStorage.Builder builder = FileStorage.builder(directory(storeName, settings)).clock(clock);
        if (settings != null && settings.getLockTimeout() != null) {
            builder.lockTimeout(Objects.requireNonNull(settings.getLockTimeout()));
        }
        return builder.build();
    }

    @Override
    public String location(String storeName, StateStorage storage) {
        return storage instanceof FileStorage files ? "directory " + files.directory() : storage.describe();
    }

    @Override
    public String toString() {
        return "FileStorageProvider[" + BACKEND + "]";
    }
}
