package dev.fencedstate.file;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Test helpers on the real file system: what a tree holds, byte for byte, and odd files made with real tools. */
public final class FileTree {

    private FileTree() {
    }

    /** Every entry under {@code root} (links not followed): its kind, and a regular file's bytes. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : (Iterable<Path>) all::iterator) {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                String what;
                if (attributes.isSymbolicLink()) {
                    what = "link to " + Files.readSymbolicLink(path);
                } else if (attributes.isDirectory()) {
                    what = "directory";
                } else if (attributes.isRegularFile()) {
                    what = "file " + Base64.getEncoder().encodeToString(Files.readAllBytes(path));
                } else {
                    what = "special";
                }
                entries.put(root.relativize(path).toString(), what);
            }
        }
        return entries;
    }

    /** A FIFO, made with {@code mkfifo}: opening it to read or write blocks until the other end opens. */
    static void fifo(Path path) {
        run("mkfifo", path.toString());
    }

    /** A Unix domain socket file, as a listening server leaves it. */
    static void socket(Path path) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
        }
    }

    /** A character device like {@code /dev/zero} (reading it never ends); only root can make one. */
    static void device(Path path) {
        run("mknod", path.toString(), "c", "1", "5");
    }

    /** Whether this JVM runs as root (uid 0), who passes every permission check. */
    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Runs a command to its end (60 s at most) and returns its output; fails the test if it fails. */
    public static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
            }
            String output = new String(process.getInputStream().readAllBytes());
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (" + process.exitValue() + "): "
                        + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }
}
