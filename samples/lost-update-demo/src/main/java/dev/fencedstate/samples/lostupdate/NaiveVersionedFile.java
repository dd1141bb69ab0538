package dev.fencedstate.samples.lostupdate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The "plain version check" of a hand-rolled store: a file holding a version and a value, and a write that succeeds
 * only if the version is still the one the writer read. The check and the write are even atomic here (one lock in
 * this JVM). What it cannot do is tell a current writer from a stalled one whose lease ran out: if nobody wrote in
 * the meantime, the stale writer's version still matches.
 */
final class NaiveVersionedFile {

    record Versioned(long version, String value) {
    }

    private final Path file;

    NaiveVersionedFile(Path file) {
        this.file = file;
    }

    synchronized void create(String value) {
        write(new Versioned(1, value));
    }

    synchronized Versioned read() {
        try {
            String[] lines = Files.readString(file).split("\n", 2);
            return new Versioned(Long.parseLong(lines[0].substring("version=".length())), lines[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code value} as the next version if the file is still at {@code expectedVersion}. */
    synchronized boolean writeIfVersion(long expectedVersion, String value) {
        Versioned current = read();
        if (current.version() != expectedVersion) {
            return false;
        }
        write(new Versioned(expectedVersion + 1, value));
        return true;
    }

    private void write(Versioned versioned) {
        try {
            Files.writeString(file, "version=" + versioned.version() + "\n" + versioned.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
