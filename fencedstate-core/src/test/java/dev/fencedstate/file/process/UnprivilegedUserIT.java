package dev.fencedstate.file.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fencedstate.FencedStore;
import dev.fencedstate.file.FileStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Who may write a state directory, checked by a process that is not root (root passes permission checks that any
 * other user fails): the child JVM runs as uid/gid 65534 through {@code setpriv} when this JVM is root, as in CI, and
 * as this user otherwise (see {@link OtherUsers}). It is refused a directory another user owns or everyone can write,
 * works in its own, reads but cannot write a tree it may not write (a read-only tree: the same outcomes as a
 * read-only mount, for a user who cannot mount), and shares a directory with a group only when told to.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "setpriv and /proc are Linux's")
class UnprivilegedUserIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Path sandbox;

    @BeforeEach
    void createSandbox() throws IOException {
        sandbox = OtherUsers.sandbox("unprivileged");
    }

    @AfterEach
    void removeSandbox() throws IOException {
        OtherUsers.remove(sandbox);
    }

    /** A new directory in the sandbox that belongs to the unprivileged user, with {@code mode}. */
    private Path directoryOfTheUser(String name, String mode) throws IOException {
        Path directory = Files.createDirectory(sandbox.resolve(name));
        OtherUsers.giveToUnprivileged(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(mode));
        return directory;
    }

    private static ChildJvm probe(String name) {
        ChildJvm child = ChildJvm.start(name, OtherUsers.unprivileged(), StorageProbeMain.class);
        child.expect("READY", TIMEOUT);
        return child;
    }

    private static String ask(ChildJvm child, String command) {
        child.send(command);
        return child.nextLine(TIMEOUT);
    }

    @Test
    void aDirectoryOwnedByAnotherUserIsRefusedAndLeftUntouched() throws IOException {
        // Root's JVM makes one; a non-root JVM uses the file system root, which root owns on every Linux.
        Path rootsOwn = OtherUsers.isRoot() ? Files.createDirectory(sandbox.resolve("roots")) : Path.of("/");
        Map<String, String> before = listing(rootsOwn);
        try (ChildJvm child = probe("other-owner")) {
            String reply = ask(child, "open " + rootsOwn);
            assertThat(reply).startsWith("FAILED UnsafeStateDirectoryException retryable=false")
                    .contains("is owned by root, not by this process's user")
                    .contains("chown ").contains("'" + rootsOwn + "'");
            assertThat(ask(child, "exit")).isEqualTo("BYE");
        }
        assertThat(listing(rootsOwn)).as("nothing created in a refused directory").isEqualTo(before);
    }

    @Test
    void aDirectoryEveryoneCanWriteIsRefusedEvenIfItsOwn() throws IOException {
        Path loose = directoryOfTheUser("loose", "rwxrwxrwx");
        try (ChildJvm child = probe("loose-mode")) {
            assertThat(ask(child, "open " + loose)).startsWith("FAILED UnsafeStateDirectoryException")
                    .contains("writable by every user").contains("chmod o-w '" + loose + "'");
            // /tmp itself: root's, and everybody's to write.
            assertThat(ask(child, "open /tmp")).startsWith("FAILED UnsafeStateDirectoryException")
                    .contains("writable by every user");
            assertThat(ask(child, "exit")).isEqualTo("BYE");
        }
        try (Stream<Path> inside = Files.list(loose)) {
            assertThat(inside).isEmpty();
        }
    }

    @Test
    void anUnprivilegedUserOpensWritesAndReadsItsOwnDirectory() throws IOException {
        Path own = directoryOfTheUser("own", "rwx------");
        try (ChildJvm child = probe("own-directory")) {
            assertThat(ask(child, "open " + own)).isEqualTo("OPENED");
            assertThat(ask(child, "commit doc written-by-the-user")).isEqualTo("COMMITTED 1");
            assertThat(ask(child, "read doc")).isEqualTo("VALUE 1 written-by-the-user");
            assertThat(ask(child, "exit")).isEqualTo("BYE");
        }
        assertThat(Files.getAttribute(own.resolve("records").resolve("doc.rec"), "unix:uid"))
                .as("the record belongs to the user who wrote it").isEqualTo(OtherUsers.unprivilegedUid());
    }

    /**
     * A tree its user may not write (every {@code w} bit removed), with a crashed writer's leftover in it: the same
     * outcomes as a read-only mount (see {@link ReadOnlyMountIT}) for a user who cannot mount. Reads work, the sweep
     * that cannot remove the leftover is a warning, and a write fails typed, with nothing written.
     */
    @Test
    void aReadOnlyTreeIsReadableAndAWriteFailsTypedWithNothingWritten() throws IOException {
        Path tree = directoryOfTheUser("read-only", "rwx------");
        try (ChildJvm child = probe("writer-before")) {
            assertThat(ask(child, "open " + tree)).isEqualTo("OPENED");
            assertThat(ask(child, "commit doc v1")).isEqualTo("COMMITTED 1");
            assertThat(ask(child, "exit")).isEqualTo("BYE");
        }
        Files.writeString(tree.resolve("tmp").resolve("doc.1234abcd.tmp"), "half a record of a crashed writer");
        OtherUsers.giveTreeToUnprivileged(tree);
        OtherUsers.run("chmod", "-R", "a-w", tree.toString());
        Map<String, String> before = listing(tree);

        try (ChildJvm child = probe("reader-of-a-read-only-tree")) {
            assertThat(ask(child, "open " + tree)).isEqualTo("OPENED");
            assertThat(ask(child, "read doc")).isEqualTo("VALUE 1 v1");
            assertThat(ask(child, "keys")).isEqualTo("KEYS doc");
            assertThat(ask(child, "commit doc v2")).startsWith("FAILED StorageFailureException retryable=true "
                    + "outcomeKnown=true").contains("Nothing was written");
            assertThat(ask(child, "read doc")).isEqualTo("VALUE 1 v1");
            assertThat(ask(child, "exit")).isEqualTo("BYE");
            child.awaitSuccess(TIMEOUT);
            assertThat(child.stderr()).as("the sweep that could not delete, as a warning")
                    .contains("WARNING").contains("Could not remove 1 leftover temporary file")
                    .contains("doc.1234abcd.tmp");
        }
        assertThat(listing(tree)).as("nothing written, the leftover kept").isEqualTo(before);
    }

    /**
     * Shared-group deployments: a directory of root's, group {@code nogroup} (gid 65534), writable by the group. The
     * unprivileged user (a member) is refused it by default, and shares it when told to; what each user creates is
     * readable and writable by the other. Needs root to set up another user's directory.
     */
    @Test
    void aGroupSharedDirectoryIsUsedByTwoUsersOnlyWhenTheyOptIn() throws IOException {
        assumeTrue(OtherUsers.isRoot(), "two users and a shared group need root to set up");
        String group = OtherUsers.run("getent", "group", Integer.toString(OtherUsers.NOBODY)).split(":")[0];
        Path shared = Files.createDirectory(sandbox.resolve("shared"));
        OtherUsers.run("chgrp", group, shared.toString());
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwx---"));
        try (FencedStore store = FencedStore.builder(FileStorage.builder(shared).sharedWithGroup(group).build())
                .writerId("root-writer").build()) {
            store.commit(store.read("doc"), "from-root".getBytes(StandardCharsets.UTF_8));
        }

        try (ChildJvm child = probe("group-member")) {
            assertThat(ask(child, "open " + shared)).startsWith("FAILED UnsafeStateDirectoryException")
                    .contains("sharedWithGroup");
            assertThat(ask(child, "open " + shared + " " + group)).isEqualTo("OPENED");
            assertThat(ask(child, "read doc")).isEqualTo("VALUE 1 from-root");
            assertThat(ask(child, "commit doc from-the-member")).isEqualTo("COMMITTED 2");
            assertThat(ask(child, "commit other also-the-member")).isEqualTo("COMMITTED 1");
            assertThat(ask(child, "exit")).isEqualTo("BYE");
        }
        try (FencedStore store = FencedStore.builder(FileStorage.builder(shared).sharedWithGroup(group).build())
                .writerId("root-writer").build()) {
            assertThat(store.read("doc").valueAsUtf8()).contains("from-the-member");
            assertThat(store.update("other", s -> "root-again".getBytes(StandardCharsets.UTF_8)).version())
                    .isEqualTo(2);
        }
    }

    /** Each entry of a tree with its owner, mode and size: what a refused or read-only open must leave alone. */
    private static Map<String, String> listing(Path tree) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> all = Files.list(tree)) {
            for (Path each : all.toList()) {
                entries.put(each.getFileName().toString(), "top");
            }
        }
        if (!tree.equals(Path.of("/"))) {
            try (Stream<Path> all = Files.walk(tree)) {
                for (Path each : all.toList()) {
                    entries.put(tree.relativize(each).toString(), Files.getAttribute(each, "unix:uid",
                            java.nio.file.LinkOption.NOFOLLOW_LINKS) + " " + PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(each, java.nio.file.LinkOption.NOFOLLOW_LINKS)) + " "
                            + (Files.isRegularFile(each) ? Files.size(each) : "-"));
                }
            }
        }
        return entries;
    }
}
