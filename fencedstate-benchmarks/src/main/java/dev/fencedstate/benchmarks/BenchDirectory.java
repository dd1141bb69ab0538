package dev.fencedstate.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;

/**
 * Where a benchmark trial writes. Every variant of one run writes under the same base directory, so fenced and naive
 * writes are measured on the same disk and file system.
 *
 * <p>The base is the system property {@value #PROPERTY} if set (JMH passes the host JVM's {@code -D} options to its
 * forks), otherwise {@code bench-data/} inside the module's {@code target/} directory, found from where this class was
 * loaded ({@code target/benchmarks.jar} or {@code target/classes}). Each trial gets its own fresh subdirectory and
 * deletes it afterwards.
 */
final class BenchDirectory {

    static final String PROPERTY = "fencedstate.bench.dir";

    private BenchDirectory() {
    }

    /** A new, empty directory for one trial. */
    static Path createTrialDirectory(String prefix) {
        try {
            Path base = base();
            Files.createDirectories(base);
            return Files.createTempDirectory(base, prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a benchmark directory; set -D" + PROPERTY
                    + "=<a writable directory>", e);
        }
    }

    static Path base() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return moduleTarget().resolve("bench-data");
    }

    /** {@code target/} of this module: the parent of {@code benchmarks.jar} or of {@code classes/}. */
    private static Path moduleTarget() {
        CodeSource source = BenchDirectory.class.getProtectionDomain().getCodeSource();
        if (source != null) {
            try {
                Path loadedFrom = Path.of(source.getLocation().toURI()).toAbsolutePath();
                Path parent = loadedFrom.getParent();
                if (parent != null && parent.getFileName() != null
                        && parent.getFileName().toString().equals("target")) {
                    return parent;
                }
            } catch (URISyntaxException | IllegalArgumentException notAFile) {
                // fall through to the working directory
            }
        }
        return Path.of("target").toAbsolutePath();
    }

    /** Deletes a trial directory and everything in it. */
    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the benchmark directory " + directory, e);
        }
    }
}
