package dev.fencedstate.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The OS locks on {@code locks/NAME.lock}, made to survive the lock files being deleted or replaced under running
 * writers (a tmp cleaner, an operator "removing stale locks").
 *
 * <p>An {@code fcntl} lock belongs to a file, not to its name. If the file is deleted while writer A holds its lock,
 * writer B creates a new file under the same name and locks that one: both are "inside" at once, and one of their
 * updates is lost. Three checks make that cost a retry instead:
 * <ol>
 *   <li>After locking, a writer checks that the name still leads to the very file it locked, and otherwise lets go
 *       and starts again (a writer that opened the file before it was deleted, and got its lock after).</li>
 *   <li>Just before its rename, it checks that once more ({@link Held#stillAtPath}): the name may have been deleted
 *       while it was inside.</li>
 *   <li>The rename is blind, and a writer can stall between that last check and its rename. So the first writer
 *       under a new lock file, before it reads the record, removes the key's temporary files that writers under
 *       earlier lock files may have left: a stalled writer's rename then fails (its file is gone) and it starts
 *       again, instead of overwriting a newer commit. A lock file that has had a writer carries that writer's mark
 *       ({@link Held#isMarked}: the file's own identity, so a new file, or a copy of a marked one, has none), and the
 *       writers after it skip the listing.</li>
 * </ol>
 *
 * <p>Java cannot {@code fstat} a channel. So a lock file carries its own identity ({@code st_dev}, {@code st_ino}),
 * written into it by its first verified writer: a locked file whose content is the identity of the file at the name
 * is that file, since another live file has another identity (one {@code pread} and one {@code stat}). The first
 * writer, and any writer whose locked file does not carry the identity found at the name, asks the JVM's own lock
 * table, which keys every lock by the file's identity: a second channel opened on the name is refused a lock
 * ({@link OverlappingFileLockException}) exactly when it leads to the file this JVM already locked, since the JVM-wide
 * stripe guarantees that no other thread of this copy of fencedstate holds it. That second channel stays open until
 * the lock is released: closing it earlier would drop the lock (POSIX drops a process's locks on a file when any of
 * its descriptors of that file is closed). A path comparison before and after locking would not do: an inode number
 * freed by a deleted lock file is soon handed to a new one. While the locked file is open its number cannot be
 * reused, so {@link Held#stillAtPath} compares exactly.
 *
 * <p>What remains: someone who can write to {@code locks/} and forges a lock file's mark (writes another file's
 * identity into it) can defeat the third check; only this user or root can.
 */
final class LockFiles {

    static final String SUFFIX = ".lock";

    // Read and write: a lock file holds the mark of the lock file generation it belongs to (see Held#isMarked).
    private static final DirectoryHandle.NoFollow CREATE = DirectoryHandle.noFollow(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ, StandardOpenOption.WRITE);
    private static final DirectoryHandle.NoFollow EXISTING = DirectoryHandle.noFollow(StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    private static final int MAX_MARK_BYTES = 128;
    private static final long FIRST_PAUSE_NANOS = 20_000;
    private static final long MAX_PAUSE_NANOS = 5_000_000;

    /**
     * One set of lock stripes for the whole JVM, keyed by the lock file's path, so that two FileStorage instances on
     * one directory never open, lock or close one lock file from two threads at once: the JVM refuses overlapping
     * locks, and closing ANY descriptor of a file drops every lock the process holds on it. That is also why a lock
     * file is created and opened only while its stripe is held.
     */
    private static final ReentrantLock[] JVM_STRIPES = new ReentrantLock[1024];

    /** Channels that must never be closed, because closing them would drop another class loader's lock. */
    private static final List<FileChannel> ABANDONED_CHANNELS = new CopyOnWriteArrayList<>();

    static {
        for (int i = 0; i < JVM_STRIPES.length; i++) {
            JVM_STRIPES[i] = new ReentrantLock();
        }
    }

    private final DirectoryHandle dir;
    private final FileAttribute<?>[] createAttributes;
    private final FileStorage.@Nullable Sharing sharing;

    LockFiles(DirectoryHandle dir, FileAttribute<?>[] createAttributes, FileStorage.@Nullable Sharing sharing) {
        this.dir = dir;
        this.createAttributes = createAttributes;
        this.sharing = sharing;
    }

    /** The JVM-wide stripe of a lock file; hold it while opening, locking, unlocking or closing that file. */
    ReentrantLock stripe(String fileName) {
        return JVM_STRIPES[Math.floorMod(dir.resolve(fileName).toString().hashCode(), JVM_STRIPES.length)];
    }

    /**
     * Locks {@code fileName} (creating it if needed), waiting until {@code deadlineNanos}; the caller holds its
     * stripe. The lock is verified to be on the file the name leads to.
     *
     * @throws OverlappingFileLockException another copy of fencedstate in this JVM holds the lock
     * @throws dev.fencedstate.CorruptStateException the name leads to something other than a regular file
     */
    Held lock(String fileName, @Nullable String key, long deadlineNanos,
            Supplier<? extends RuntimeException> timedOut) throws IOException {
        while (true) {
            FileChannel channel = open(fileName, key);
            if (channel != null) {
                FileLock lock;
                try {
                    lock = waitForLock(channel, deadlineNanos, timedOut);
                } catch (OverlappingFileLockException foreign) {
                    abandon(channel);
                    throw foreign;
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
                Held held = verify(fileName, key, channel, lock);
                if (held != null) {
                    return held;
                }
            }
            // The name was deleted or replaced since it was opened: start again on what it leads to now.
            if (System.nanoTime() - deadlineNanos > 0) {
                throw timedOut.get();
            }
        }
    }

    /** One attempt, without waiting: the verified lock, or {@code null} if someone holds it. Caller holds the stripe. */
    @Nullable Held tryLock(String fileName) throws IOException {
        FileChannel channel = open(fileName, null);
        if (channel == null) {
            return null;
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException foreign) {
            abandon(channel);
            return null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return null;
        }
        return verify(fileName, null, channel, lock);
    }

    /** Opens (or creates) the lock file, never through a link nor a special file; {@code null} if it just vanished. */
    private @Nullable FileChannel open(String fileName, @Nullable String key) throws IOException {
        BasicFileAttributes found = dir.attributes(fileName);
        if (found == null) {
            FileChannel created;
            try {
                // O_CREAT|O_EXCL: never follows a link, never opens a FIFO that appeared meanwhile.
                created = dir.open(fileName, CREATE, createAttributes);
            } catch (FileAlreadyExistsException raced) {
                return null;
            }
            if (sharing != null) {
                try {
                    sharing.apply(dir, fileName, false);
                } catch (IOException e) {
                    created.close();
                    throw e;
                }
            }
            return created;
        }
        FileStorage.requireRegularFile(found, key, dir, fileName, "lock file");
        try {
            return dir.open(fileName, EXISTING);
        } catch (NoSuchFileException deletedMeanwhile) {
            return null;
        }
    }

    private static FileLock waitForLock(FileChannel channel, long deadlineNanos,
            Supplier<? extends RuntimeException> timedOut) throws IOException {
        long pauseNanos = FIRST_PAUSE_NANOS;
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw timedOut.get();
            }
            // fcntl's blocking lock cannot time out or be interrupted, so poll with a growing pause instead.
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, MAX_PAUSE_NANOS);
        }
    }

    /**
     * Whether the name still leads to the file just locked (see the class comment); if not, lets go of everything
     * and returns {@code null}. Usually one {@code pread}: a lock file carries its own identity, written by its first
     * verified writer, so a locked file whose content is the identity of the file at the name is that file (another
     * live file has another identity, and only a writer that verified the hard way writes one). Otherwise the hard
     * way: the JVM's lock table.
     */
    private @Nullable Held verify(String fileName, @Nullable String key, FileChannel channel, FileLock lock)
            throws IOException {
        FileChannel probe = null;
        Object identity = null;
        try {
            BasicFileAttributes atName = dir.attributes(fileName);
            if (atName != null) {
                FileStorage.requireRegularFile(atName, key, dir, fileName, "lock file");
                identity = atName.fileKey();
                if (identity != null && carriesMark(channel, identity)) {
                    return new Held(fileName, channel, lock, null, identity);
                }
                try {
                    probe = dir.open(fileName, EXISTING);
                } catch (NoSuchFileException deletedMeanwhile) {
                    probe = null;
                }
            }
            if (probe != null) {
                try {
                    FileLock other = probe.tryLock();
                    // Granted (or held by another process): the name leads to another file than the locked one.
                    if (other != null) {
                        other.release();
                    }
                } catch (OverlappingFileLockException sameFile) {
                    Held held = new Held(fileName, channel, lock, probe, identity);
                    probe = null;
                    return held;
                }
            }
        } catch (IOException | RuntimeException e) {
            closeAll(probe, lock, channel, e);
            throw e;
        }
        closeAll(probe, lock, channel, null);
        return null;
    }

    /** Whether the locked file's content is the mark of {@code identity}; one {@code pread}. */
    private static boolean carriesMark(FileChannel channel, Object identity) throws IOException {
        // A regular file returns all it has up to the buffer's size (a short read would only cost the hard way), and
        // one byte more than a mark can have tells a longer file.
        ByteBuffer buffer = ByteBuffer.allocate(MAX_MARK_BYTES + 1);
        int read = channel.read(buffer, 0);
        return read > 0 && Arrays.equals(Arrays.copyOf(buffer.array(), read), markOf(identity));
    }

    private static byte[] markOf(Object identity) {
        return ("fencedstate-lock " + identity).getBytes(StandardCharsets.US_ASCII);
    }

    private static void abandon(FileChannel channel) {
        // Another copy of fencedstate in this JVM (another class loader) holds the OS lock. Closing this channel
        // would silently drop that lock (POSIX), so it is deliberately kept open.
        ABANDONED_CHANNELS.add(channel);
    }

    /** Releases the lock and closes both channels, in that order; the first failure is thrown after all are tried. */
    private static void closeAll(@Nullable FileChannel probe, FileLock lock, FileChannel channel,
            @Nullable Throwable pending) throws IOException {
        IOException failure = null;
        try {
            lock.release();
        } catch (IOException e) {
            failure = e;
        }
        for (FileChannel each : new FileChannel[] {probe, channel}) {
            if (each != null) {
                try {
                    each.close();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            if (pending != null) {
                pending.addSuppressed(failure);
            } else {
                throw failure;
            }
        }
    }

    /** A verified lock on one lock file. */
    final class Held implements AutoCloseable {

        private final String fileName;
        private final FileChannel channel;
        private final FileLock lock;
        /** The second channel of a verification the hard way, kept open until the lock is released; else null. */
        private final @Nullable FileChannel probe;
        private final @Nullable Object identity;

        private Held(String fileName, FileChannel channel, FileLock lock, @Nullable FileChannel probe,
                @Nullable Object identity) {
            this.fileName = fileName;
            this.channel = channel;
            this.lock = lock;
            this.probe = probe;
            this.identity = identity;
        }

        /**
         * Whether the lock file's name still leads to the locked file. Asked once more just before a rename: if the
         * name was deleted while this writer was inside, another writer may be inside too, on a new lock file, and
         * the rename must not happen. Exact: the locked file is held open, so no other file can have its identity.
         */
        boolean stillAtPath() throws IOException {
            BasicFileAttributes now = dir.attributes(fileName);
            return now != null && Objects.equals(now.fileKey(), identity);
        }

        /**
         * Whether this lock file has had a writer before: it carries its own identity, which its first writer wrote
         * after removing what writers under earlier lock files may have left (see {@link FileStorage}). A new file,
         * one put there by someone else, or a copy of a marked one (another identity) has not.
         */
        boolean isMarked() {
            return probe == null;
        }

        /** Writes this lock file's mark, once it was verified the hard way and what needed removing was removed. */
        void mark() throws IOException {
            if (identity == null) {
                return; // no file identity on this platform: every writer goes the hard way
            }
            ByteBuffer mark = ByteBuffer.wrap(markOf(identity));
            while (mark.hasRemaining()) {
                channel.write(mark, mark.position());
            }
            channel.truncate(mark.capacity());
        }

        @Override
        public void close() throws IOException {
            closeAll(probe, lock, channel, null);
        }
    }
}
