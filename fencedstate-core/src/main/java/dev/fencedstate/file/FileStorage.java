package dev.fencedstate.file;

import dev.fencedstate.CorruptStateException;
import dev.fencedstate.Keys;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.UnsupportedFormatException;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The embedded default backend: a directory of record files, shared safely by any number of threads and processes on
 * one host.
 *
 * <h2>Layout</h2>
 * <pre>
 *   dir/fencedstate.format     the directory's format version
 *   dir/records/NAME.rec       one record per key (see {@link KeyFileNames} for NAME)
 *   dir/locks/NAME.lock        one lock file per key, used only for its OS lock
 * </pre>
 *
 * <h2>Why it is safe</h2>
 * <ul>
 *   <li><b>Atomic compare-and-set.</b> A write holds the key's lock in this JVM and then the OS lock on the key's lock
 *       file (an {@code fcntl} lock on Linux, released by the kernel if the process dies), re-reads the record, and
 *       writes only if its revision is the expected one.</li>
 *   <li><b>Crash safety.</b> The new record goes to a temporary file that is forced to disk, atomically renamed over
 *       the old one, and then the directory is forced too. A crash at any instant leaves the old or the new record,
 *       never a torn one, and a write that returned is on disk. Readers take no lock: a rename is atomic, so they see
 *       one whole record or the other.</li>
 *   <li><b>Containment.</b> Keys map to names that cannot leave {@code records/}; files and directories are created
 *       owner-only ({@code rw-------}, {@code rwx------}) where the file system has POSIX permissions.</li>
 *   <li><b>Damage is reported, not repaired.</b> A truncated, damaged or foreign file is a
 *       {@link CorruptStateException}; a newer format is an {@link UnsupportedFormatException}. Either way the file
 *       is left as it is.</li>
 * </ul>
 */
public final class FileStorage implements StateStorage {

    /** The directory format this release writes and reads. */
    public static final int DIRECTORY_FORMAT = 1;

    static final String FORMAT_FILE = "fencedstate.format";
    static final String RECORDS = "records";
    static final String LOCKS = "locks";
    static final String RECORD_SUFFIX = ".rec";
    static final String TEMP_SUFFIX = ".tmp";

    private static final System.Logger LOG = System.getLogger(FileStorage.class.getName());
    private static final String FORMAT_LINE = "fencedstate-files-format=";
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<StandardOpenOption> LOCK_FILE_OPTIONS = EnumSet.of(StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
    private static final Set<StandardOpenOption> TEMP_FILE_OPTIONS = EnumSet.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);

    /**
     * One set of lock stripes for the whole JVM, keyed by the lock file's real path, so that two FileStorage instances
     * on one directory never open, lock or close one lock file from two threads at once: the JVM refuses overlapping
     * locks, and on POSIX closing ANY descriptor of a file drops every lock the process holds on it. That is also why
     * the lock file is created (opened) only while its stripe is held: a descriptor opened and closed outside the
     * stripe, even just to create the file, could silently drop another thread's lock.
     */
    private static final ReentrantLock[] JVM_STRIPES = new ReentrantLock[1024];

    /** Channels that must never be closed, because closing them would drop another class loader's lock. */
    private static final List<FileChannel> ABANDONED_CHANNELS = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        for (int i = 0; i < JVM_STRIPES.length; i++) {
            JVM_STRIPES[i] = new ReentrantLock();
        }
    }

    private final Path directory;
    private final Path records;
    private final Path locks;
    private final Clock clock;
    private final Duration lockTimeout;

    private FileStorage(Builder builder) {
        this.clock = builder.clock;
        this.lockTimeout = builder.lockTimeout;
        try {
            createOwnerOnlyDirectories(builder.directory);
            this.directory = builder.directory.toRealPath();
            this.records = directory.resolve(RECORDS);
            this.locks = directory.resolve(LOCKS);
            createOwnerOnlyDirectories(records);
            createOwnerOnlyDirectories(locks);
            checkOrWriteFormat();
            removeAbandonedTempFiles(builder.abandonedTempFileAge);
        } catch (IOException e) {
            throw new StorageFailureException(null, "Cannot open the state directory " + builder.directory + ": " + e
                    + ". Check that the path is a directory this process can read and write.", true, null, e);
        }
    }

    /** Opens (creating if needed) a state directory with default settings. */
    public static FileStorage open(Path directory) {
        return builder(directory).build();
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** The state directory (its real path). */
    public Path directory() {
        return directory;
    }

    @Override
    public StorageRead read(String key) {
        return new StorageRead(readRecord(key), clock.instant());
    }

    @Override
    public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected, StoredRecord replacement) {
        String key = replacement.key();
        String name = KeyFileNames.nameOf(key);
        Path lockFile = locks.resolve(name + ".lock");
        ReentrantLock jvmLock = JVM_STRIPES[Math.floorMod(lockFile.toString().hashCode(), JVM_STRIPES.length)];
        long deadline = System.nanoTime() + lockTimeout.toNanos();
        try {
            if (!jvmLock.tryLock(lockTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw lockTimedOut(key, "another thread of this process");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageFailureException(key, "Interrupted while waiting for the lock of key '"
                    + Keys.printable(key) + "'. Nothing was written.", true, null, e);
        }
        FileChannel lockChannel = null;
        StoredRecord stamped;
        boolean written = false;
        try {
            lockChannel = openOwnerOnly(lockFile, LOCK_FILE_OPTIONS);
            FileLock processLock = lockWithin(lockChannel, key, deadline);
            try {
                StoredRecord stored = readRecord(key);
                boolean unchanged = expected == null ? stored == null
                        : stored != null && stored.revision() == expected.revision();
                if (!unchanged) {
                    return null;
                }
                // Stamped under the lock: no other write of this key can come between this time and the rename.
                stamped = replacement.asWrittenAt(clock.instant());
                replaceDurably(key, name, RecordFormat.encode(stamped));
                written = true;
            } finally {
                processLock.release();
            }
            lockChannel.close();
            return stamped;
        } catch (OverlappingFileLockException foreignLock) {
            // Another copy of fencedstate in this JVM (another class loader) holds the OS lock. Closing this channel
            // would silently drop that lock (POSIX), so the channel is deliberately kept open.
            ABANDONED_CHANNELS.add(lockChannel);
            lockChannel = null;
            throw new StorageFailureException(key, "The lock file of key '" + Keys.printable(key) + "' is locked by "
                    + "another copy of fencedstate in this JVM (another class loader?); share one copy instead. "
                    + "Nothing was written.", true, null, foreignLock);
        } catch (IOException e) {
            throw new StorageFailureException(key, written
                    ? "The record of key '" + Keys.printable(key) + "' was written, but unlocking failed: " + e
                            + ". Read the key to confirm the commit."
                    : "I/O failure while locking key '" + Keys.printable(key) + "' in " + directory + ": " + e
                            + ". Nothing was written.", !written, null, e);
        } finally {
            closeQuietly(lockChannel);
            jvmLock.unlock();
        }
    }

    @Override
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(records, "*" + RECORD_SUFFIX)) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                String name = fileName.substring(0, fileName.length() - RECORD_SUFFIX.length());
                String key = name.startsWith(String.valueOf(KeyFileNames.HASHED_PREFIX)) ? keyStoredIn(file)
                        : KeyFileNames.keyOf(name);
                // Files whose names no key maps to were not written by fencedstate; they are not keys.
                if (key != null && KeyFileNames.nameOf(key).equals(name)) {
                    keys.add(key);
                }
            }
        } catch (IOException e) {
            throw new StorageFailureException(null, "Cannot list " + records + ": " + e, true, null, e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public String describe() {
        return "files:" + directory;
    }

    @Override
    public String toString() {
        return "FileStorage[" + directory + "]";
    }

    // ---------------------------------------------------------------- reading

    private @Nullable StoredRecord readRecord(String key) {
        Path file = records.resolve(KeyFileNames.nameOf(key) + RECORD_SUFFIX);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException absent) {
            return null;
        } catch (OutOfMemoryError tooLarge) {
            throw new CorruptStateException(key, file.toString(), "the file is too large to be a record", null);
        } catch (IOException e) {
            throw new StorageFailureException(key, "Cannot read " + file + ": " + e + ". Nothing was written.", true,
                    null, e);
        }
        return RecordFormat.decode(bytes, key, file.toString());
    }

    /**
     * The key of a record whose file name is a hash. An unreadable one is reported, not skipped: a listing that
     * silently left out a damaged record would hide exactly what an operator needs to see.
     */
    private String keyStoredIn(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StorageFailureException(null, "Cannot read " + file + " while listing keys: " + e, true, null, e);
        }
        String key = RecordFormat.keyOf(bytes, file.toString());
        RecordFormat.decode(bytes, key, file.toString());
        return key;
    }

    // ---------------------------------------------------------------- writing

    /** Temp file, force, atomic rename, force the directory: the old record or the new one, never a torn one. */
    private void replaceDurably(String key, String name, byte[] bytes) {
        Path target = records.resolve(name + RECORD_SUFFIX);
        Path temp = records.resolve(name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
        try {
            try (FileChannel channel = openOwnerOnly(temp, TEMP_FILE_OPTIONS)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new StorageFailureException(key, "Cannot write the record of key '" + Keys.printable(key) + "' to "
                    + target + ": " + e + ". Nothing was written (the old record is intact).", true, null, e);
        }
        try {
            forceDirectory(records);
        } catch (IOException e) {
            // The rename happened but may not survive a power loss: the outcome is not known.
            throw new StorageFailureException(key, "The record of key '" + Keys.printable(key) + "' was replaced but "
                    + "the directory could not be forced to disk: " + e + ". Read the key to see whether the commit "
                    + "is there; it may be lost on power failure.", false, null, e);
        }
    }

    private FileLock lockWithin(FileChannel channel, String key, long deadlineNanos) throws IOException {
        long pauseNanos = 20_000;
        while (true) {
            // OverlappingFileLockException propagates: the caller must not close this channel (see compareAndSet).
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw lockTimedOut(key, "another process");
            }
            // fcntl's blocking lock cannot time out or be interrupted, so poll with a growing pause instead.
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, 5_000_000);
        }
    }

    private StorageFailureException lockTimedOut(String key, String holder) {
        return new StorageFailureException(key, "Timed out after " + lockTimeout + " waiting for the write lock of key '"
                + Keys.printable(key) + "', held by " + holder + " (a process stopped in the middle of a write?). "
                + "Nothing was written; try again.", true, null, null);
    }

    // ---------------------------------------------------------------- directory set-up

    private void checkOrWriteFormat() throws IOException {
        Path formatFile = directory.resolve(FORMAT_FILE);
        if (!Files.exists(formatFile)) {
            Path temp = directory.resolve(FORMAT_FILE + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + TEMP_SUFFIX);
            try (FileChannel channel = openOwnerOnly(temp, TEMP_FILE_OPTIONS)) {
                channel.write(ByteBuffer.wrap((FORMAT_LINE + DIRECTORY_FORMAT + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            try {
                // A hard link never replaces an existing file (a rename would), so when many processes open a new
                // directory at once exactly one format line wins and nobody overwrites another release's line.
                Files.createLink(formatFile, temp);
            } catch (FileAlreadyExistsException alreadyThere) {
                // another process created it first; it is checked below like any existing one
            } catch (UnsupportedOperationException noHardLinks) {
                if (!Files.exists(formatFile)) {
                    Files.move(temp, formatFile, StandardCopyOption.ATOMIC_MOVE);
                }
            } finally {
                deleteQuietly(temp);
            }
            forceDirectory(directory);
        }
        String content = Files.readString(formatFile, StandardCharsets.UTF_8).strip();
        if (!content.startsWith(FORMAT_LINE)) {
            throw new CorruptStateException(null, formatFile.toString(),
                    "not a fencedstate directory format file (found '" + Keys.printable(content) + "')", null);
        }
        int found;
        try {
            found = Integer.parseInt(content.substring(FORMAT_LINE.length()));
        } catch (NumberFormatException e) {
            throw new CorruptStateException(null, formatFile.toString(), "unreadable format version", e);
        }
        if (found > DIRECTORY_FORMAT) {
            throw new UnsupportedFormatException(null, formatFile.toString(), found, DIRECTORY_FORMAT);
        }
        if (found < 1) {
            throw new CorruptStateException(null, formatFile.toString(), "format version " + found + " does not exist",
                    null);
        }
    }

    /**
     * Deletes temporary files left by writers that died mid-write. Only old ones: a young one may belong to a live
     * writer, and even an old one deleted under a writer that was merely stopped only makes that writer's rename fail,
     * which it reports as nothing written.
     */
    private void removeAbandonedTempFiles(Duration minimumAge) throws IOException {
        FileTime cutoff = FileTime.fromMillis(System.currentTimeMillis() - minimumAge.toMillis());
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(records, "*" + TEMP_SUFFIX)) {
            for (Path temp : temps) {
                try {
                    if (Files.getLastModifiedTime(temp).compareTo(cutoff) < 0) {
                        Files.deleteIfExists(temp);
                        LOG.log(System.Logger.Level.INFO, "Removed abandoned temporary file {0}", temp);
                    }
                } catch (NoSuchFileException gone) {
                    // another process cleaned it first
                }
            }
        }
    }

    private static void createOwnerOnlyDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (POSIX) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    private static void closeQuietly(@Nullable FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not close a lock file: {0}", e.toString());
            }
        }
    }

    private static FileChannel openOwnerOnly(Path file, Set<StandardOpenOption> options) throws IOException {
        FileAttribute<?>[] attributes = POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        return FileChannel.open(file, options, attributes);
    }

    private static void forceDirectory(Path dir) throws IOException {
        if (!POSIX) {
            return; // Windows cannot open a directory as a channel; NTFS renames are journaled.
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not delete temporary file {0}: {1}", file, e.toString());
        }
    }

    /** Settings of a {@link FileStorage}. */
    public static final class Builder {

        private final Path directory;
        private Clock clock = Clock.systemUTC();
        private Duration lockTimeout = Duration.ofSeconds(10);
        private Duration abandonedTempFileAge = Duration.ofMinutes(10);

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        }

        /**
         * The clock for lease deadlines; default the system UTC clock. Every process sharing the directory must use
         * the same host clock: on one host they do.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long a write waits for a key's lock before failing (nothing written); default 10 s. */
        public Builder lockTimeout(Duration lockTimeout) {
            if (lockTimeout.isNegative() || lockTimeout.isZero()) {
                throw new IllegalArgumentException("lockTimeout must be positive, was " + lockTimeout);
            }
            this.lockTimeout = lockTimeout;
            return this;
        }

        /** Temporary files older than this are deleted on open, as left by a crashed writer; default 10 minutes. */
        public Builder abandonedTempFileAge(Duration age) {
            if (age.isNegative()) {
                throw new IllegalArgumentException("abandonedTempFileAge must be >= 0, was " + age);
            }
            this.abandonedTempFileAge = age;
            return this;
        }

        public FileStorage build() {
            return new FileStorage(this);
        }
    }
}
