package dev.fencedstate.file.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fencedstate.FencedStore;
import dev.fencedstate.file.FileStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A state directory on a read-only file system, for real: the child JVM runs in a mount namespace of its own
 * ({@code unshare -m}) in which the directory is bind-mounted read-only, so the kernel refuses every write with
 * {@code EROFS} while nothing changes for anyone else. Reads work; a leftover of a crashed writer that the open
 * cannot remove is a warning; a write fails typed, with nothing written. Needs root (mounting), as in CI; the same
 * outcomes for a user who cannot mount are checked on a read-only tree in {@link UnprivilegedUserIT}.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "mount namespaces are Linux's")
class ReadOnlyMountIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String BIND_READ_ONLY = "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" "
            + "&& exec \"$@\"";

    private Path sandbox;

    @BeforeEach
    void createSandbox() throws IOException {
        sandbox = OtherUsers.sandbox("read-only-mount");
    }

    @AfterEach
    void removeSandbox() throws IOException {
        OtherUsers.remove(sandbox);
    }

    @Test
    void onAReadOnlyMountReadsWorkTheSweepWarnsAndAWriteFailsTypedWithNothingWritten() throws IOException {
        assumeTrue(OtherUsers.isRoot(), "mounting needs root; see UnprivilegedUserIT for a read-only tree");
        Path directory = sandbox.resolve("state");
        try (FencedStore store = FencedStore.builder(FileStorage.open(directory)).writerId("before").build()) {
            store.commit(store.read("doc"), "v1".getBytes(StandardCharsets.UTF_8));
        }
        Path recordLeftover = Files.writeString(directory.resolve("tmp").resolve("doc.5eed.tmp"), "half");
        Path formatLeftover = Files.writeString(directory.resolve("fencedstate.format.abc.tmp"), "fencedstate-");
        Map<String, String> before = snapshot(directory);
        assertMountWorks(directory);

        ChildJvm.Launch readOnly = ChildJvm.Launch.PLAIN.wrappedIn(List.of("unshare", "--mount", "--propagation",
                "private", "sh", "-c", BIND_READ_ONLY, directory.toString()));
        try (ChildJvm child = ChildJvm.start("read-only-mount", readOnly, StorageProbeMain.class)) {
            child.expect("READY", TIMEOUT);
            assertThat(ask(child, "open " + directory)).isEqualTo("OPENED");
            assertThat(ask(child, "read doc")).isEqualTo("VALUE 1 v1");
            assertThat(ask(child, "keys")).isEqualTo("KEYS doc");
            assertThat(ask(child, "commit doc v2")).startsWith("FAILED StorageFailureException retryable=true "
                    + "outcomeKnown=true").contains("Nothing was written").contains("read-only file system");
            assertThat(ask(child, "commit new v1")).startsWith("FAILED StorageFailureException");
            assertThat(ask(child, "read doc")).isEqualTo("VALUE 1 v1");
            assertThat(ask(child, "exit")).isEqualTo("BYE");
            child.awaitSuccess(TIMEOUT);
            assertThat(child.stderr()).contains("WARNING").contains("Could not remove 2 leftover temporary file")
                    .containsIgnoringCase("read-only file system");
        }
        assertThat(snapshot(directory)).as("nothing written on the read-only mount").isEqualTo(before);

        // Writable again (outside the child's namespace it always was): the next open removes both leftovers.
        FileStorage.open(directory).close();
        assertThat(recordLeftover).doesNotExist();
        assertThat(formatLeftover).doesNotExist();
    }

    private static void assertMountWorks(Path directory) {
        try {
            OtherUsers.run("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    BIND_READ_ONLY.replace("exec \"$@\"", "true"), directory.toString());
        } catch (AssertionError refused) {
            // Root without CAP_SYS_ADMIN (an unprivileged container) cannot mount; say so rather than pass.
            System.out.println("[read-only-mount] SKIPPED: this root cannot mount: " + refused.getMessage());
            assumeTrue(false, "mount refused: " + refused.getMessage());
        }
    }

    private static String ask(ChildJvm child, String command) {
        child.send(command);
        return child.nextLine(TIMEOUT);
    }

    private static Map<String, String> snapshot(Path tree) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> all = Files.walk(tree)) {
            for (Path each : all.toList()) {
                entries.put(tree.relativize(each).toString(), Files.isRegularFile(each)
                        ? new String(Files.readAllBytes(each), StandardCharsets.ISO_8859_1) : "directory");
            }
        }
        return entries;
    }
}
