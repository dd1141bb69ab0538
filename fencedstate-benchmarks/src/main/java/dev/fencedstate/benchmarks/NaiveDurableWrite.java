package dev.fencedstate.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The baseline: what a careful application does without fencedstate. Write the bytes to a temporary file, fsync it,
 * and atomically rename it over the target, so a reader sees the old file or the new one, never a torn one.
 *
 * <p>That is <i>atomic</i>, but it is only <i>durable</i> once the directory is fsynced too: until then the rename
 * lives in the page cache and a power loss can undo it (the old file comes back). {@link #write} therefore takes
 * {@code fsyncDirectory}; the variant with it is the fair comparison, because {@code FileStorage} fsyncs the
 * directory after every rename. There is no lock and no version check: concurrent writers of one file silently
 * overwrite each other.
 */
final class NaiveDurableWrite {

    private NaiveDurableWrite() {
    }

    /** Writes {@code bytes} to {@code target} via {@code temp} (same directory), then optionally fsyncs the directory. */
    static void write(Path target, Path temp, byte[] bytes, boolean fsyncDirectory) {
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // force(true) like FileStorage: fsync, not fdatasync.
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (fsyncDirectory) {
                try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                    directory.force(true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("naive durable write of " + target + " failed", e);
        }
    }

    /** The whole file, or {@code null} if it does not exist yet. */
    static byte @org.jspecify.annotations.Nullable [] readOrNull(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException absent) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("naive read of " + file + " failed", e);
        }
    }
}
