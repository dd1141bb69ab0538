package dev.fencedstate.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One directory of the store's tree, opened once and then addressed only by entry name, never by a path through
 * links.
 *
 * <p>Where the JDK offers directory-relative system calls (a {@link SecureDirectoryStream}: {@code openat},
 * {@code fstatat}, {@code renameat}, {@code unlinkat} on Linux), every operation goes through the directory's open
 * descriptor, so replacing the directory, or any directory above it, by a link while the store is open cannot send a
 * single byte elsewhere. Elsewhere the entries are addressed by path, with {@link LinkOption#NOFOLLOW_LINKS} on the
 * last component, and the store re-checks the directories' identity on every write instead (a swap between that
 * check and the write is then the residual race; see {@link FileStorage}).
 *
 * <p>Every open is {@code O_NOFOLLOW}: a symbolic link in place of an entry fails to open rather than being followed.
 * What an entry is (a regular file, a directory, a FIFO...) must be checked with {@link #attributes} BEFORE it is
 * opened, because opening a FIFO or a device can block or have side effects; that is the caller's job, as only the
 * caller knows what the entry should be.
 */
final class DirectoryHandle implements Closeable {

    private static final boolean POSIX = FileStorage.POSIX;
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final Path SELF = Path.of(".");

    private final Path path;
    private final @Nullable SecureDirectoryStream<Path> secure;
    /** Held open for {@code fsync} of the directory (one open per store instead of one per commit). */
    private final @Nullable FileChannel syncChannel;
    private final @Nullable Object identity;

    private DirectoryHandle(Path path, @Nullable SecureDirectoryStream<Path> secure, @Nullable FileChannel syncChannel,
            @Nullable Object identity) {
        this.path = path;
        this.secure = secure;
        this.syncChannel = syncChannel;
        this.identity = identity;
    }

    /**
     * Opens the directory at {@code realPath} (a path without links, as {@link Path#toRealPath} returns), which the
     * caller found to be a directory with {@code expected} as its file key; refuses it if what was opened is not that
     * directory (it was swapped in between).
     */
    static DirectoryHandle openRoot(Path realPath, BasicFileAttributes expected, boolean directoryRelative)
            throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(realPath);
        if (directoryRelative && stream instanceof SecureDirectoryStream<Path> secureStream) {
            return adopt(realPath, secureStream, expected, true);
        }
        stream.close();
        return new DirectoryHandle(realPath, null, POSIX ? FileChannel.open(realPath, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS) : null, expected.fileKey());
    }

    /**
     * Opens the sub-directory {@code name}, which the caller found to be a directory with {@code expected};
     * {@code synced}: whether {@link #force} will be called (it keeps a descriptor open for that).
     */
    DirectoryHandle child(String name, BasicFileAttributes expected, boolean synced) throws IOException {
        Path childPath = path.resolve(name);
        if (secure == null) {
            return new DirectoryHandle(childPath, null, POSIX && synced ? FileChannel.open(childPath,
                    StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS) : null, expected.fileKey());
        }
        return adopt(childPath, secure.newDirectoryStream(Path.of(name), NO_FOLLOW), expected, synced);
    }

    private static DirectoryHandle adopt(Path path, SecureDirectoryStream<Path> stream, BasicFileAttributes expected,
            boolean synced) throws IOException {
        FileChannel sync = null;
        try {
            BasicFileAttributes opened = stream.getFileAttributeView(BasicFileAttributeView.class).readAttributes();
            if (!Objects.equals(opened.fileKey(), expected.fileKey())) {
                throw new FileSystemException(path.toString(), null,
                        "the directory was replaced while it was being opened");
            }
            if (synced) {
                sync = asFileChannel(stream.newByteChannel(SELF, noFollow(StandardOpenOption.READ).options), path);
            }
            return new DirectoryHandle(path, stream, sync, opened.fileKey());
        } catch (IOException | RuntimeException e) {
            if (sync != null) {
                sync.close();
            }
            stream.close();
            throw e;
        }
    }

    /** This directory's path, for messages; operations never go through it when directory-relative. */
    Path path() {
        return path;
    }

    /** The entry's path, for messages. */
    Path resolve(String name) {
        return path.resolve(name);
    }

    /** Whether operations are directory-relative (immune to the directory being swapped for a link). */
    boolean isDirectoryRelative() {
        return secure != null;
    }

    /** The file key ({@code st_dev}, {@code st_ino}) of this directory when it was opened. */
    @Nullable Object identity() {
        return identity;
    }

    /** This directory's own attributes, read from the open descriptor where possible. */
    BasicFileAttributes ownAttributes() throws IOException {
        if (secure != null) {
            return Objects.requireNonNull(secure.getFileAttributeView(attributeView())).readAttributes();
        }
        return readByPath(path);
    }

    /** What the entry is, without following a link; {@code null} if there is no such entry. */
    @Nullable BasicFileAttributes attributes(String name) throws IOException {
        try {
            if (secure != null) {
                return Objects.requireNonNull(secure.getFileAttributeView(Path.of(name), attributeView(), NO_FOLLOW))
                        .readAttributes();
            }
            return readByPath(path.resolve(name));
        } catch (NoSuchFileException absent) {
            return null;
        }
    }

    /** Open options that never follow a link ({@code O_NOFOLLOW}): the only kind {@link #open} takes. */
    static final class NoFollow {

        private final Set<OpenOption> options;

        private NoFollow(Set<OpenOption> options) {
            this.options = options;
        }
    }

    static NoFollow noFollow(StandardOpenOption... options) {
        Set<OpenOption> set = new HashSet<>(List.of(options));
        set.add(LinkOption.NOFOLLOW_LINKS);
        return new NoFollow(set);
    }

    /** Opens an entry, never through a link. Check what the entry is first (see the class comment). */
    FileChannel open(String name, NoFollow options, FileAttribute<?>... attributes) throws IOException {
        if (secure != null) {
            return asFileChannel(secure.newByteChannel(Path.of(name), options.options, attributes), resolve(name));
        }
        return FileChannel.open(path.resolve(name), options.options, attributes);
    }

    /** Atomically renames an entry of this directory over another one ({@code rename(2)} replaces the target). */
    void rename(String from, String to) throws IOException {
        rename(from, this, to);
    }

    /**
     * Atomically renames an entry of this directory over an entry of {@code target} (on the same file system);
     * {@link NoSuchFileException} if {@code from} is gone.
     */
    void rename(String from, DirectoryHandle target, String to) throws IOException {
        if (secure != null && target.secure != null) {
            secure.move(Path.of(from), target.secure, Path.of(to));
        } else {
            Files.move(path.resolve(from), target.path.resolve(to), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes an entry (the entry itself: a link is removed, never its target). */
    void delete(String name) throws IOException {
        if (secure != null) {
            secure.deleteFile(Path.of(name));
        } else {
            Files.delete(path.resolve(name));
        }
    }

    /** Sets an entry's permissions and group (shared-group stores), without following a link. */
    void share(String name, Set<PosixFilePermission> permissions, GroupPrincipal group) throws IOException {
        PosixFileAttributeView view = secure != null
                ? secure.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, NO_FOLLOW)
                : Files.getFileAttributeView(path.resolve(name), PosixFileAttributeView.class, NO_FOLLOW);
        Objects.requireNonNull(view, "POSIX attributes").setGroup(group);
        view.setPermissions(permissions);
    }

    /** The names of the entries, read through the open descriptor where possible. */
    List<String> names() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = secure != null ? secure.newDirectoryStream(SELF, NO_FOLLOW)
                : Files.newDirectoryStream(path)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        }
        return names;
    }

    /**
     * {@code fsync} of the directory itself, so that a rename in it survives a power cut. Without POSIX (Windows) a
     * directory cannot be opened as a channel, and NTFS journals its renames.
     */
    void force() throws IOException {
        if (POSIX && syncChannel == null) {
            throw new IllegalStateException(path + " was opened without a descriptor to force");
        }
        if (syncChannel != null) {
            syncChannel.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (syncChannel != null) {
                syncChannel.close();
            }
        } finally {
            if (secure != null) {
                secure.close();
            }
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }

    private static FileChannel asFileChannel(SeekableByteChannel channel, Path path) throws IOException {
        if (channel instanceof FileChannel fileChannel) {
            return fileChannel;
        }
        channel.close();
        throw new FileSystemException(path.toString(), null, "the JDK's directory-relative open did not return a "
                + "FileChannel, which the file backend needs for locking and fsync");
    }

    private static BasicFileAttributes readByPath(Path file) throws IOException {
        return POSIX ? Files.readAttributes(file, PosixFileAttributes.class, NO_FOLLOW)
                : Files.readAttributes(file, BasicFileAttributes.class, NO_FOLLOW);
    }

    private static Class<? extends BasicFileAttributeView> attributeView() {
        return POSIX ? PosixFileAttributeView.class : BasicFileAttributeView.class;
    }
}
