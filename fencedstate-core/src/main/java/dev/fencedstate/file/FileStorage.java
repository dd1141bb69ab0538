package dev.fencedstate.file;

import dev.fencedstate.CorruptStateException;
import dev.fencedstate.InvalidKeyException;
import dev.fencedstate.Keys;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.UnsupportedFormatException;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The embedded default backend: a directory of record files, shared safely by any number of threads and processes on
 * one host.
 *
 * <h2>Layout</h2>
 * <pre>
 *   dir/fencedstate.format     the directory's format version
 *   dir/records/NAME.rec       one record per key (see {@link KeyFileNames} for NAME)
 *   dir/locks/NAME.lock        one lock file per key, for its OS lock (and the mark of its first writer)
 *   dir/tmp/NAME.HEX.tmp       a record being written, renamed into records/ when complete
 * </pre>
 *
 * <h2>Why it is safe</h2>
 * <ul>
 *   <li><b>Atomic compare-and-set.</b> A write holds the key's lock in this JVM and then the OS lock on the key's lock
 *       file (an {@code fcntl} lock on Linux, released by the kernel if the process dies), re-reads the record, and
 *       writes only if its revision is the expected one. A lock file deleted or replaced under running writers (a tmp
 *       cleaner) costs a retry, never an update: see {@link LockFiles}.</li>
 *   <li><b>Crash safety.</b> The new record goes to a temporary file that is forced to disk, atomically renamed over
 *       the old one, and then the directory is forced too. A crash at any instant leaves the old or the new record,
 *       never a torn one, and a write that returned is on disk. Readers take no lock: a rename is atomic, so they see
 *       one whole record or the other. A crashed writer's temporary file is removed by the next open, once the key's
 *       lock shows that its writer is gone.</li>
 *   <li><b>Containment.</b> Keys map to names that cannot leave {@code records/}. No link is ever followed inside the
 *       state directory, and nothing but a regular file is opened where a file belongs (a FIFO would block, a device
 *       would be read): a link, FIFO, socket, device or directory in place of a record, lock, temporary or format file
 *       is a {@link CorruptStateException}, decided before anything is opened. The directories are held open and, on
 *       Linux, every file is opened, renamed and deleted relative to them ({@code openat}, {@code renameat}), so
 *       swapping {@code records/} or {@code locks/} for a link cannot redirect a write; a swap is also detected on the
 *       next write.</li>
 *   <li><b>Nobody else writes here.</b> The state directory and its sub-directories must belong to this process's
 *       user and be writable by nobody else ({@link UnsafeStateDirectoryException} otherwise), unless the store is
 *       explicitly {@linkplain Builder#sharedWithGroup shared with a group}. Files and directories are created
 *       owner-only ({@code rw-------}, {@code rwx------}).</li>
 *   <li><b>Damage is reported, not repaired.</b> A truncated, damaged or foreign file is a
 *       {@link CorruptStateException}; a newer format is an {@link UnsupportedFormatException}. Either way the file
 *       is left as it is, and no message quotes what the file contains.</li>
 * </ul>
 *
 * <h2>What remains</h2>
 * Checking what an entry is and then opening it are two system calls; only a process that can write to the directory
 * (this user, or root) can swap the entry in between. Where the JDK offers no directory-relative calls (it does on
 * Linux), the directories are re-checked by path before each write instead, and a swap between that check and the
 * write is possible, again only for someone who can write to the state directory. The format file's hard link is
 * made by path (the JDK has no {@code linkat}). Lock files: see {@link LockFiles}; deleting or replacing them costs
 * retries, not updates.
 */
public final class FileStorage implements StateStorage {

    /** The directory format this release writes and reads. */
    public static final int DIRECTORY_FORMAT = 1;

    static final String FORMAT_FILE = "fencedstate.format";
    static final String RECORDS = "records";
    static final String LOCKS = "locks";
    static final String TEMPS = "tmp";
    static final String RECORD_SUFFIX = ".rec";
    static final String TEMP_SUFFIX = ".tmp";
    /**
     * Held while the format file is written or its leftover temporary file removed. No key's lock file has a dot
     * before its suffix, so this name is no key's.
     */
    static final String FORMAT_LOCK = FORMAT_FILE + LockFiles.SUFFIX;
    static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private static final System.Logger LOG = System.getLogger(FileStorage.class.getName());
    private static final String FORMAT_LINE = "fencedstate-files-format=";
    private static final int MAX_FORMAT_FILE_BYTES = 256;
    private static final DirectoryHandle.NoFollow READ = DirectoryHandle.noFollow(StandardOpenOption.READ);
    private static final DirectoryHandle.NoFollow CREATE_NEW = DirectoryHandle.noFollow(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
    /** A temporary file as {@link #replaceDurably} names it: the record's name, random hex, {@code .tmp}. */
    private static final Pattern RECORD_TEMP = Pattern.compile("([a-z0-9_%-]{1,200}|~[0-9a-f]{64})\\.[0-9a-f]{1,16}"
            + Pattern.quote(TEMP_SUFFIX));
    private static final Pattern FORMAT_TEMP = Pattern.compile(Pattern.quote(FORMAT_FILE) + "\\.[0-9a-f]{1,16}"
            + Pattern.quote(TEMP_SUFFIX));
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** Closes the directories of a storage that was never closed, once it is unreachable. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final Path directory;
    private final Clock clock;
    private final Duration lockTimeout;
    private final @Nullable Sharing sharing;
    private final FileAttribute<?>[] fileAttributes;
    private final Handles handles;
    private final DirectoryHandle root;
    private final DirectoryHandle recordsDir;
    private final DirectoryHandle locksDir;
    private final DirectoryHandle tempsDir;
    private final LockFiles lockFiles;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    private FileStorage(Builder builder, Handles handles, @Nullable Sharing sharing) {
        this.clock = builder.clock;
        this.lockTimeout = builder.lockTimeout;
        this.sharing = sharing;
        this.fileAttributes = fileAttributes(sharing);
        this.handles = handles;
        this.root = Objects.requireNonNull(handles.root);
        this.recordsDir = Objects.requireNonNull(handles.records);
        this.locksDir = Objects.requireNonNull(handles.locks);
        this.tempsDir = Objects.requireNonNull(handles.temps);
        this.directory = root.path();
        this.lockFiles = new LockFiles(locksDir, fileAttributes, sharing);
        this.cleanable = CLEANER.register(this, handles);
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
        ensureOpen();
        try {
            return new StorageRead(readStored(key, KeyFileNames.nameOf(key) + RECORD_SUFFIX), clock.instant());
        } finally {
            Reference.reachabilityFence(this); // its directories must not be cleaned up while in use
        }
    }

    @Override
    public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected, StoredRecord replacement) {
        ensureOpen();
        String key = replacement.key();
        String name = KeyFileNames.nameOf(key);
        String lockName = name + LockFiles.SUFFIX;
        ReentrantLock jvmLock = lockFiles.stripe(lockName);
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
        boolean written = false;
        try {
            while (true) {
                StoredRecord stamped = null;
                if (!locksDir.isDirectoryRelative()) {
                    // By path, the lock file is reached through locks/: make sure that is still the real one first.
                    checkDirectoriesInPlace(key);
                }
                try (LockFiles.Held lock = lockFiles.lock(lockName, key, deadline,
                        () -> lockTimedOut(key, "another process"))) {
                    checkDirectoriesInPlace(key);
                    if (!lock.isMarked()) {
                        // The first writer under this lock file: a writer that locked an earlier, deleted one may be
                        // stalled just before its rename. Removing its temporary file makes that rename fail.
                        removeTemporaryFilesOf(name, key);
                        lock.mark();
                    }
                    StoredRecord stored = readStored(key, name + RECORD_SUFFIX);
                    boolean unchanged = expected == null ? stored == null
                            : stored != null && stored.revision() == expected.revision();
                    if (!unchanged) {
                        return null;
                    }
                    // Stamped under the lock: no other write of this key can come between this time and the rename.
                    StoredRecord candidate = replacement.asWrittenAt(clock.instant());
                    if (replaceDurably(key, name, RecordFormat.encode(candidate), lock)) {
                        written = true;
                        stamped = candidate;
                    }
                }
                if (stamped != null) {
                    return stamped;
                }
                // The lock file was deleted or replaced while this writer was inside: nothing was renamed; again.
                if (System.nanoTime() - deadline > 0) {
                    throw lockTimedOut(key, "a lock file that kept being deleted or replaced");
                }
            }
        } catch (OverlappingFileLockException foreignLock) {
            throw new StorageFailureException(key, "The lock file of key '" + Keys.printable(key) + "' is locked by "
                    + "another copy of fencedstate in this JVM (another class loader?); share one copy instead. "
                    + "Nothing was written.", true, null, foreignLock);
        } catch (IOException e) {
            throw new StorageFailureException(key, written
                    ? "The record of key '" + Keys.printable(key) + "' was written, but unlocking failed: " + e
                            + ". Read the key to confirm the commit."
                    : "I/O failure while locking key '" + Keys.printable(key) + "' in " + directory + ": " + e
                            + ". Nothing was written." + readOnlyHint(), !written, null, e);
        } finally {
            jvmLock.unlock();
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Every key that has a record. A record file the listing cannot attribute to its key (a name no key maps to, a
     * hashed name whose file holds another key's record, something other than a regular file) is reported as a
     * {@link CorruptStateException}, like a damaged one: a listing that silently left it out would hide exactly what
     * an operator needs to see.
     */
    @Override
    public List<String> keys() {
        ensureOpen();
        List<String> keys = new ArrayList<>();
        try {
            for (String entry : recordsDir.names()) {
                if (!entry.endsWith(RECORD_SUFFIX)) {
                    continue; // temporary files of writers at work, and files that are no records
                }
                String key = keyOfRecordFile(entry);
                if (key != null) {
                    keys.add(key);
                }
            }
        } catch (IOException e) {
            throw new StorageFailureException(null, "Cannot list " + recordsDir + ": " + e, true, null, e);
        } finally {
            Reference.reachabilityFence(this);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public String describe() {
        return "files:" + directory;
    }

    /** Closes the directories this storage holds open; it cannot be used afterwards. */
    @Override
    public void close() {
        closed = true;
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "FileStorage[" + directory + "]";
    }

    // ---------------------------------------------------------------- reading

    private @Nullable StoredRecord readStored(String key, String fileName) {
        Path file = recordsDir.resolve(fileName);
        try {
            BasicFileAttributes found = recordsDir.attributes(fileName);
            if (found == null) {
                return null;
            }
            requireRegularFile(found, key, file, "record file");
            byte[] bytes = readFile(recordsDir, fileName, key, file);
            return bytes == null ? null : RecordFormat.decode(bytes, key, file.toString());
        } catch (IOException e) {
            throw new StorageFailureException(key, "Cannot read " + file + ": " + e + ". Nothing was written.", true,
                    null, e);
        }
    }

    /** Reads a whole regular file (checked as such by the caller) through its directory; {@code null} if gone. */
    private static byte @Nullable [] readFile(DirectoryHandle dir, String fileName, @Nullable String key, Path file)
            throws IOException {
        try (FileChannel channel = dir.open(fileName, READ)) {
            return readAll(channel, key, file);
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    private static byte[] readAll(FileChannel channel, @Nullable String key, Path file) throws IOException {
        long size = channel.size();
        if (size > Integer.MAX_VALUE - 16) {
            throw new CorruptStateException(key, file.toString(), "the file is too large to be a record", null);
        }
        ByteBuffer buffer;
        try {
            buffer = ByteBuffer.allocate((int) size);
        } catch (OutOfMemoryError tooLarge) {
            throw new CorruptStateException(key, file.toString(), "the file is too large to be a record", null);
        }
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
            // until full or end of file
        }
        // A record file is replaced, never changed in place, so the size read first is its size.
        return buffer.hasRemaining() ? java.util.Arrays.copyOf(buffer.array(), buffer.position()) : buffer.array();
    }

    /**
     * The key a record file belongs to, from its name, or for a hashed name from the record in it; throws if the file
     * cannot be attributed to a key that names exactly this file. {@code null} if the file vanished meanwhile.
     */
    private @Nullable String keyOfRecordFile(String entry) throws IOException {
        Path file = recordsDir.resolve(entry);
        BasicFileAttributes found = recordsDir.attributes(entry);
        if (found == null) {
            return null;
        }
        requireRegularFile(found, null, file, "record file");
        String name = entry.substring(0, entry.length() - RECORD_SUFFIX.length());
        String key;
        if (!name.isEmpty() && name.charAt(0) == KeyFileNames.HASHED_PREFIX) {
            byte[] bytes = readFile(recordsDir, entry, null, file);
            if (bytes == null) {
                return null;
            }
            key = RecordFormat.keyOf(bytes, file.toString());
            RecordFormat.decode(bytes, key, file.toString());
        } else {
            key = KeyFileNames.keyOf(name);
            if (key == null) {
                throw new CorruptStateException(null, file.toString(), "a record file whose name no key maps to "
                        + "(it was not written by fencedstate, or was renamed by hand)", null);
            }
            try {
                Keys.requireValid(key);
            } catch (InvalidKeyException invalid) {
                throw new CorruptStateException(null, file.toString(), "a record file whose name stands for an "
                        + "invalid key (it was not written by fencedstate)", null);
            }
        }
        String expectedName = KeyFileNames.nameOf(key);
        if (!expectedName.equals(name)) {
            throw new CorruptStateException(key, file.toString(), name.charAt(0) == KeyFileNames.HASHED_PREFIX
                    ? "the file holds the record of a key whose record file is " + expectedName + RECORD_SUFFIX
                            + " (copied or renamed by hand?)"
                    : "a record file named as fencedstate never names one (this key's file is " + expectedName
                            + RECORD_SUFFIX + "; renamed by hand?)", null);
        }
        return key;
    }

    // ---------------------------------------------------------------- writing

    /**
     * Temp file, force, atomic rename, force the directory: the old record or the new one, never a torn one. Returns
     * {@code false}, having written nothing, if the lock file turned out deleted or replaced while this writer was
     * inside, or its temporary file was removed by a writer under a newer lock file: the commit must start again.
     */
    private boolean replaceDurably(String key, String name, byte[] bytes, LockFiles.Held lock) {
        String target = name + RECORD_SUFFIX;
        String temp = name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX;
        try {
            try (FileChannel channel = createTemporary(tempsDir, temp, key)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (sharing != null) {
                sharing.apply(tempsDir, temp, false);
            }
            // The rename is blind, so check last that the lock file's name still leads to the file this writer
            // locked: it does unless the lock file was deleted or replaced under this writer, and then another
            // writer may be inside too. One that got in only after this check removes this temporary file first
            // (see compareAndSet), so that the rename below fails instead of overwriting its commit.
            if (!lock.stillAtPath()) {
                deleteQuietly(tempsDir, temp);
                return false;
            }
            try {
                tempsDir.rename(temp, recordsDir, target);
            } catch (NoSuchFileException removedByANewerWriter) {
                return false;
            }
        } catch (IOException e) {
            deleteQuietly(tempsDir, temp);
            throw new StorageFailureException(key, "Cannot write the record of key '" + Keys.printable(key) + "' to "
                    + recordsDir.resolve(target) + ": " + e + ". Nothing was written (the old record is intact)."
                    + readOnlyHint(), true, null, e);
        } catch (RuntimeException e) {
            deleteQuietly(tempsDir, temp);
            throw e;
        }
        try {
            recordsDir.force();
        } catch (IOException e) {
            // The rename happened but may not survive a power loss: the outcome is not known.
            throw new StorageFailureException(key, "The record of key '" + Keys.printable(key) + "' was replaced but "
                    + "the directory could not be forced to disk: " + e + ". Read the key to see whether the commit "
                    + "is there; it may be lost on power failure.", false, null, e);
        }
        return true;
    }

    /**
     * Removes every temporary file of the key's record in {@code tmp/}; called under the key's lock, by the first
     * writer under a new lock file. None can belong to a writer under this lock file (this one holds it), so each is
     * a crashed writer's, or a stalled one's from before the lock file was deleted, whose rename must now fail.
     */
    private void removeTemporaryFilesOf(String name, String key) throws IOException {
        String prefix = name + ".";
        for (String entry : tempsDir.names()) {
            if (entry.startsWith(prefix) && entry.endsWith(TEMP_SUFFIX)) {
                BasicFileAttributes found = tempsDir.attributes(entry);
                if (found != null) {
                    requireRegularFile(found, key, tempsDir.resolve(entry), "temporary file");
                    try {
                        tempsDir.delete(entry);
                    } catch (NoSuchFileException renamedMeanwhile) {
                        // its writer renamed it first: that commit is in the record this writer reads next
                    }
                }
            }
        }
    }

    /** A new file ({@code O_EXCL}: never through a link); something else under its random name is corrupt state. */
    private FileChannel createTemporary(DirectoryHandle dir, String temp, @Nullable String key) throws IOException {
        try {
            return dir.open(temp, CREATE_NEW, fileAttributes);
        } catch (FileAlreadyExistsException taken) {
            BasicFileAttributes found = dir.attributes(temp);
            if (found != null) {
                requireRegularFile(found, key, dir.resolve(temp), "temporary file");
            }
            throw taken;
        }
    }

    /** {@code records/}, {@code locks/} and {@code tmp/} are still the directories this storage opened. */
    private void checkDirectoriesInPlace(String key) throws IOException {
        for (DirectoryHandle held : new DirectoryHandle[] {recordsDir, locksDir, tempsDir}) {
            BasicFileAttributes now = root.attributes(String.valueOf(held.path().getFileName()));
            if (now == null || !now.isDirectory() || !Objects.equals(now.fileKey(), held.identity())) {
                throw new CorruptStateException(key, held.path().toString(), "the directory was replaced by "
                        + kindOf(now) + " while this storage had it open; nothing was written. Stop every process "
                        + "using the state directory, put the original directory back, and open it again", null);
            }
        }
    }

    private StorageFailureException lockTimedOut(String key, String holder) {
        return new StorageFailureException(key, "Timed out after " + lockTimeout + " waiting for the write lock of key '"
                + Keys.printable(key) + "', held by " + holder + " (a process stopped in the middle of a write?). "
                + "Nothing was written; try again.", true, null, null);
    }

    /** Said with a failed write when this process cannot write the directory at all (asked only after a failure). */
    private String readOnlyHint() {
        try {
            if (!Files.isWritable(locksDir.path()) || !Files.isWritable(recordsDir.path())) {
                return " This process cannot write to the state directory (a read-only file system, or no write "
                        + "permission): it can be read, not written.";
            }
        } catch (RuntimeException unknown) {
            // no hint then
        }
        return "";
    }

    // ---------------------------------------------------------------- directory set-up

    /** Opens the tree: the state directory, then {@code records/} and {@code locks/}, each checked as it is opened. */
    private static FileStorage openTree(Builder builder) {
        Sharing sharing = builder.sharedGroup == null ? null : new Sharing(builder.sharedGroup);
        Handles handles = new Handles();
        try {
            Path requested = builder.directory;
            if (!Files.exists(requested, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(requested, directoryAttributes(sharing));
                if (sharing != null) {
                    sharing.apply(requested);
                }
            }
            // Links on the way to the state directory are the operator's (resolved once, here); none inside it.
            Path real = requested.toRealPath();
            BasicFileAttributes found = Files.readAttributes(real, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!found.isDirectory()) {
                throw new NotDirectoryException(real + " is " + kindOf(found) + ", not a directory");
            }
            handles.root = DirectoryHandle.openRoot(real, found, builder.directoryRelative);
            checkSafe("state directory", handles.root, sharing);
            handles.records = openChild(handles.root, RECORDS, sharing, true);
            handles.locks = openChild(handles.root, LOCKS, sharing, false);
            handles.temps = openChild(handles.root, TEMPS, sharing, false);
            FileStorage storage = new FileStorage(builder, handles, sharing);
            storage.checkOrWriteFormat();
            storage.removeLeftoverTemporaryFiles();
            return storage;
        } catch (IOException e) {
            handles.run();
            throw new StorageFailureException(null, "Cannot open the state directory " + builder.directory + ": " + e
                    + ". Check that the path is a directory this process can read and write.", true, null, e);
        } catch (RuntimeException | Error e) {
            handles.run();
            throw e;
        }
    }

    private static DirectoryHandle openChild(DirectoryHandle root, String name, @Nullable Sharing sharing,
            boolean synced) throws IOException {
        BasicFileAttributes found = root.attributes(name);
        if (found == null) {
            try {
                // mkdir never follows a link: one planted meanwhile makes it fail, and is refused below.
                Files.createDirectory(root.resolve(name), directoryAttributes(sharing));
                if (sharing != null) {
                    sharing.apply(root, name, true);
                }
            } catch (FileAlreadyExistsException raced) {
                // another process created it first; it is checked below like any existing one
            }
            found = root.attributes(name);
            if (found == null) {
                throw new NoSuchFileException(root.resolve(name).toString(), null, "removed while being opened");
            }
        }
        if (!found.isDirectory()) {
            throw new CorruptStateException(null, root.resolve(name).toString(), "found " + kindOf(found)
                    + " where the " + name + " directory belongs; fencedstate never follows links inside the state "
                    + "directory, and wrote nothing", null);
        }
        DirectoryHandle child = root.child(name, found, synced);
        try {
            checkSafe("directory", child, sharing);
        } catch (RuntimeException | IOException e) {
            child.close();
            throw e;
        }
        return child;
    }

    private static void checkSafe(String role, DirectoryHandle dir, @Nullable Sharing sharing) throws IOException {
        if (POSIX) {
            DirectorySafety.check(role, dir.path(), (PosixFileAttributes) dir.ownAttributes(),
                    sharing == null ? null : sharing.group);
        }
    }

    private void checkOrWriteFormat() throws IOException {
        Path formatFile = root.resolve(FORMAT_FILE);
        BasicFileAttributes found = root.attributes(FORMAT_FILE);
        if (found == null) {
            writeFormat();
            found = root.attributes(FORMAT_FILE);
            if (found == null) {
                throw new NoSuchFileException(formatFile.toString(), null, "removed right after it was written");
            }
        }
        requireRegularFile(found, null, formatFile, "directory format file");
        byte[] bytes;
        try (FileChannel channel = root.open(FORMAT_FILE, READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(MAX_FORMAT_FILE_BYTES + 1);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // at most one byte more than a format file can have
            }
            bytes = java.util.Arrays.copyOf(buffer.array(), buffer.position());
        }
        // What the file says is never quoted: if it is not ours, its bytes could be anybody's.
        if (bytes.length > MAX_FORMAT_FILE_BYTES) {
            throw new CorruptStateException(null, formatFile.toString(), "not a fencedstate directory format file "
                    + "(longer than " + MAX_FORMAT_FILE_BYTES + " bytes)", null);
        }
        String content = new String(bytes, StandardCharsets.UTF_8).strip();
        if (!content.startsWith(FORMAT_LINE)) {
            throw new CorruptStateException(null, formatFile.toString(), "not a fencedstate directory format file "
                    + "(it does not start with '" + FORMAT_LINE + "')", null);
        }
        int format;
        try {
            format = Integer.parseInt(content.substring(FORMAT_LINE.length()));
        } catch (NumberFormatException e) {
            throw new CorruptStateException(null, formatFile.toString(), "unreadable format version (not a number)",
                    null);
        }
        if (format > DIRECTORY_FORMAT) {
            throw new UnsupportedFormatException(null, formatFile.toString(), format, DIRECTORY_FORMAT);
        }
        if (format < 1) {
            throw new CorruptStateException(null, formatFile.toString(), "format version " + format
                    + " does not exist", null);
        }
    }

    /**
     * Writes the format file under {@link #FORMAT_LOCK}, so that a crash leaves a temporary file that a later open can
     * prove abandoned (its lock free) and remove.
     */
    private void writeFormat() throws IOException {
        ReentrantLock stripe = lockFiles.stripe(FORMAT_LOCK);
        stripe.lock();
        try (LockFiles.Held ignored = lockFiles.lock(FORMAT_LOCK, null, System.nanoTime() + lockTimeout.toNanos(),
                () -> new StorageFailureException(null, "Timed out after " + lockTimeout + " waiting to write "
                        + root.resolve(FORMAT_FILE) + ". Nothing was written; try again.", true, null, null))) {
            if (root.attributes(FORMAT_FILE) != null) {
                return; // another process wrote it meanwhile
            }
            String temp = FORMAT_FILE + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX;
            try {
                try (FileChannel channel = createTemporary(root, temp, null)) {
                    channel.write(ByteBuffer.wrap((FORMAT_LINE + DIRECTORY_FORMAT + "\n")
                            .getBytes(StandardCharsets.UTF_8)));
                    channel.force(true);
                }
                if (sharing != null) {
                    sharing.apply(root, temp, false);
                }
                // A hard link never replaces an existing file (a rename would), so even an older release, which
                // writes this file without the lock, never has its format line overwritten. (There is no linkat in
                // the JDK: this one call goes by path.)
                Files.createLink(root.resolve(FORMAT_FILE), root.resolve(temp));
            } catch (FileAlreadyExistsException alreadyThere) {
                // an older release created it first; it is checked like any existing one
            } catch (UnsupportedOperationException noHardLinks) {
                root.rename(temp, FORMAT_FILE);
            } finally {
                deleteQuietly(root, temp);
            }
            root.force();
        } finally {
            stripe.unlock();
        }
    }

    /**
     * Removes the temporary files of writers that died mid-write (in {@code tmp/}, in {@code records/} where earlier
     * releases wrote them, and the format file's in the state directory). A temporary file exists only while its writer holds the lock it was written under, so one
     * whose lock is free is provably abandoned, whatever its age; one whose lock is held is left alone (its writer may
     * be alive, or stopped). Files this backend did not name are never touched. A leftover that cannot be removed
     * (a read-only file system, no write permission) is a warning, not a failure: it is never read as a record.
     */
    private void removeLeftoverTemporaryFiles() throws IOException {
        List<String> kept = new ArrayList<>();
        // tmp/ holds this release's; records/ those of releases before it, which wrote them there.
        for (DirectoryHandle dir : new DirectoryHandle[] {tempsDir, recordsDir}) {
            for (String entry : dir.names()) {
                if (RECORD_TEMP.matcher(entry).matches()) {
                    removeIfAbandoned(dir, entry, entry.substring(0, entry.indexOf('.')) + LockFiles.SUFFIX, kept);
                } else if (entry.endsWith(TEMP_SUFFIX) || dir == tempsDir) {
                    kept.add(dir.resolve(entry) + " (not a name fencedstate writes; left alone)");
                }
            }
        }
        for (String entry : root.names()) {
            if (FORMAT_TEMP.matcher(entry).matches()) {
                removeIfAbandoned(root, entry, FORMAT_LOCK, kept);
            }
        }
        if (!kept.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "Could not remove {0} leftover temporary file(s) of {1}: {2}. They "
                    + "are never read as records; the next open that can write removes them.", kept.size(),
                    directory, String.join("; ", kept));
        }
    }

    private void removeIfAbandoned(DirectoryHandle dir, String entry, String lockName, List<String> kept)
            throws IOException {
        BasicFileAttributes found = dir.attributes(entry);
        if (found == null) {
            return; // renamed or removed by its writer or another process meanwhile
        }
        requireRegularFile(found, null, dir.resolve(entry), "temporary file");
        ReentrantLock stripe = lockFiles.stripe(lockName);
        if (!stripe.tryLock()) {
            return; // a thread of this JVM holds the key's lock: its writer is at work
        }
        try (LockFiles.Held held = lockFiles.tryLock(lockName)) {
            if (held == null) {
                return; // the lock is held: its writer is alive, or stopped; not provably abandoned
            }
            dir.delete(entry);
            LOG.log(System.Logger.Level.INFO, "Removed the abandoned temporary file {0}", dir.resolve(entry));
        } catch (NoSuchFileException gone) {
            // removed by another process meanwhile
        } catch (IOException e) {
            kept.add(dir.resolve(entry) + " (" + e + ")");
        } finally {
            stripe.unlock();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Refuses anything but a regular file where one belongs, before it is opened. */
    static void requireRegularFile(BasicFileAttributes found, @Nullable String key, DirectoryHandle dir, String name,
            String role) {
        if (!found.isRegularFile()) {
            requireRegularFile(found, key, dir.resolve(name), role);
        }
    }

    /** Refuses anything but a regular file where one belongs, before it is opened. */
    static void requireRegularFile(BasicFileAttributes found, @Nullable String key, Path path, String role) {
        if (!found.isRegularFile()) {
            throw new CorruptStateException(key, path.toString(), "found " + kindOf(found) + " where a " + role
                    + " belongs; fencedstate neither follows links nor opens anything but its own regular files in "
                    + "its directory, and wrote nothing", null);
        }
    }

    static String kindOf(@Nullable BasicFileAttributes found) {
        if (found == null) {
            return "nothing";
        }
        if (found.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (found.isDirectory()) {
            return "a directory";
        }
        if (found.isRegularFile()) {
            return "a regular file";
        }
        return "a special file (a FIFO, socket or device)";
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private static void deleteQuietly(DirectoryHandle dir, String name) {
        try {
            dir.delete(name);
        } catch (NoSuchFileException gone) {
            // renamed, or never created
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not delete the temporary file {0}: {1}", dir.resolve(name),
                    e.toString());
        }
    }

    private static FileAttribute<?>[] fileAttributes(@Nullable Sharing sharing) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(sharing == null ? OWNER_FILE
                : Sharing.FILE)} : new FileAttribute<?>[0];
    }

    private static FileAttribute<?>[] directoryAttributes(@Nullable Sharing sharing) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(sharing == null ? OWNER_DIRECTORY
                : Sharing.DIRECTORY)} : new FileAttribute<?>[0];
    }

    /** A store shared with a group: what it creates is group-readable and -writable, and belongs to that group. */
    static final class Sharing {

        static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-rw----");
        static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxrwx---");

        final GroupPrincipal group;

        Sharing(GroupPrincipal group) {
            this.group = group;
        }

        /** Gives a new entry to the group, with group access set explicitly (a umask would strip it otherwise). */
        void apply(DirectoryHandle dir, String name, boolean isDirectory) throws IOException {
            dir.share(name, isDirectory ? DIRECTORY : FILE, group);
        }

        void apply(Path newDirectory) throws IOException {
            Files.setAttribute(newDirectory, "posix:group", group, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(newDirectory, DIRECTORY);
        }
    }

    /** The directories a storage holds open; closed on {@link #close()}, or when an unclosed storage is collected. */
    private static final class Handles implements Runnable {

        @Nullable DirectoryHandle root;
        @Nullable DirectoryHandle records;
        @Nullable DirectoryHandle locks;
        @Nullable DirectoryHandle temps;

        @Override
        public void run() {
            for (DirectoryHandle handle : new DirectoryHandle[] {temps, locks, records, root}) {
                if (handle != null) {
                    try {
                        handle.close();
                    } catch (IOException | RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "Could not close {0}: {1}", handle, e.toString());
                    }
                }
            }
        }
    }

    /** Settings of a {@link FileStorage}. */
    public static final class Builder {

        private final Path directory;
        private Clock clock = Clock.systemUTC();
        private Duration lockTimeout = Duration.ofSeconds(10);
        private @Nullable GroupPrincipal sharedGroup;
        private boolean directoryRelative = true;

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

        /**
         * Shares the store with the members of {@code group}, for deployments where several users' processes use one
         * state directory. By default the state directory and its sub-directories must belong to this process's user
         * and be writable by nobody else; with this setting they must instead belong to {@code group}, may be owned
         * by any user and writable by the group, and still never by others. What the store creates is then
         * {@code rw-rw----} (files) and {@code rwxrwx---} (directories) and belongs to it. Every member of the group can forge
         * records: share only with a group whose members you trust with the store.
         *
         * @throws IllegalArgumentException if there is no such group on this host
         * @throws IllegalStateException if the file system has no POSIX permissions
         */
        public Builder sharedWithGroup(String group) {
            Objects.requireNonNull(group, "group");
            if (!POSIX) {
                throw new IllegalStateException("sharedWithGroup needs POSIX file permissions, which this file system "
                        + "does not have");
            }
            try {
                this.sharedGroup = FileSystems.getDefault().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(group);
            } catch (IOException e) {
                throw new IllegalArgumentException("No group '" + group + "' on this host: " + e, e);
            }
            return this;
        }

        /**
         * Whether to use directory-relative system calls where the JDK has them (default); {@code false} addresses
         * entries by path as on platforms without them, so that tests can run that way too.
         */
        Builder directoryRelative(boolean directoryRelative) {
            this.directoryRelative = directoryRelative;
            return this;
        }

        /**
         * Opens the state directory, creating it if needed.
         *
         * @throws UnsafeStateDirectoryException the directory, or a sub-directory, could be written by another user
         * @throws CorruptStateException a link or other odd file where a directory or the format file belongs
         * @throws UnsupportedFormatException the directory was written by a newer release
         * @throws StorageFailureException the directory cannot be created or read
         */
        public FileStorage build() {
            return openTree(this);
        }
    }
}
