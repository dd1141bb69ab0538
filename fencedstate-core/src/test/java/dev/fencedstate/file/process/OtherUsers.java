package dev.fencedstate.file.process;

import dev.fencedstate.file.FileTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Child JVMs as an unprivileged user. Root passes permission checks that any other user fails, so the tests of who
 * may write a state directory run their child as uid/gid 65534 ({@code nobody}/{@code nogroup} on Debian) through
 * {@code setpriv} when this JVM is root, as CI's is; a non-root JVM's children are unprivileged already.
 *
 * <p>The build's own directories may be unreadable to that user (a clone under {@code /root}), so the child gets a
 * world-readable copy of this module's classes; it needs nothing else (the annotations of JSpecify are not needed at
 * run time).
 */
final class OtherUsers {

    /** The unprivileged user and group of a root JVM's children. */
    static final int NOBODY = 65534;

    private static Path classpathCopy;

    private OtherUsers() {
    }

    static boolean isRoot() {
        return FileTree.isRoot();
    }

    /** The numeric user id children of {@link #unprivileged()} run as. */
    static int unprivilegedUid() {
        if (isRoot()) {
            return NOBODY;
        }
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A launch as an unprivileged user, with a classpath that user can read. */
    static synchronized ChildJvm.Launch unprivileged() {
        Path copy = readableClasspath();
        List<String> prefix = isRoot()
                ? List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups")
                : List.of();
        return new ChildJvm.Launch(prefix, classpathOf(copy), copy);
    }

    /** A fresh directory every user can enter (its contents decide the rest), removed by {@link #remove}. */
    static Path sandbox(String name) throws IOException {
        Path sandbox = Files.createTempDirectory("fencedstate-" + name + "-");
        Files.setPosixFilePermissions(sandbox, PosixFilePermissions.fromString("rwxr-xr-x"));
        return sandbox;
    }

    /** Gives {@code path} (not recursively) to the unprivileged user, when this JVM can. */
    static void giveToUnprivileged(Path path) {
        if (isRoot()) {
            run("chown", "-h", NOBODY + ":" + NOBODY, path.toString());
        }
    }

    static void giveTreeToUnprivileged(Path path) {
        if (isRoot()) {
            run("chown", "-R", "-h", NOBODY + ":" + NOBODY, path.toString());
        }
    }

    /** Removes a tree, whatever its modes (a test may have made it read-only). */
    static void remove(Path tree) throws IOException {
        if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        run("chmod", "-R", "u+rwx", tree.toString());
        try (Stream<Path> all = Files.walk(tree)) {
            for (Path each : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }

    static String run(String... command) {
        return FileTree.run(command);
    }

    private static Path readableClasspath() {
        if (classpathCopy != null) {
            return classpathCopy;
        }
        try {
            Path copy = Files.createTempDirectory("fencedstate-classpath-");
            int n = 0;
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path source = Path.of(entry).toAbsolutePath();
                // This module's own classes and test classes (directories, or failsafe's jar of the classes);
                // the dependencies in the local Maven repository are not needed by the children.
                boolean ours = source.getParent() != null && source.getParent().getFileName() != null
                        && (source.getParent().getFileName().toString().equals("target")
                        || source.toString().contains(java.io.File.separator + "target" + java.io.File.separator));
                if (!ours) {
                    continue;
                }
                Path target = copy.resolve(String.format("%02d-", n++) + source.getFileName());
                if (Files.isDirectory(source)) {
                    copyTree(source, target);
                } else if (Files.isRegularFile(source)) {
                    Files.copy(source, target);
                }
            }
            run("chmod", "-R", "a+rX", copy.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    remove(copy);
                } catch (IOException | RuntimeException | AssertionError ignored) {
                    // a temp directory left behind; nothing else depends on it
                }
            }));
            classpathCopy = copy;
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String classpathOf(Path copy) {
        List<String> entries = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(copy)) {
            dirs.sorted().forEach(dir -> entries.add(dir.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> all = Files.walk(source)) {
            for (Path each : (Iterable<Path>) all::iterator) {
                Path to = target.resolve(source.relativize(each).toString());
                if (Files.isDirectory(each)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(each, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
