package dev.fencedstate.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who may write to the state directory and its sub-directories: this process's user only, unless the store is
 * explicitly shared with a group. The same rule as PostgreSQL's for its data directory and OpenSSH's StrictModes: a
 * directory someone else can write to is not trusted, whatever it contains.
 *
 * <p>The check reads the directory's attributes from its open descriptor, so it judges the very directory the store
 * then uses. POSIX ACLs need no separate look: an ACL entry that grants anyone write access sets the group-write bit
 * of the mode (the ACL mask), which is refused like any other group write.
 */
final class DirectorySafety {

    private static volatile @Nullable UserPrincipal processUser;

    private DirectorySafety() {
    }

    /**
     * Refuses {@code dir} if someone other than this process's user (or, for a shared store, the members of
     * {@code sharedGroup}) could write to it.
     */
    static void check(String role, Path dir, PosixFileAttributes found, @Nullable GroupPrincipal sharedGroup)
            throws IOException {
        Set<PosixFilePermission> mode = found.permissions();
        String modeText = PosixFilePermissions.toString(mode);
        String what = "The " + role + " " + dir + " ";
        String quoted = shellQuoted(dir);
        if (mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new UnsafeStateDirectoryException(dir.toString(), what + "is writable by every user on this host "
                    + "(mode " + modeText + ", owner " + found.owner().getName() + "): anyone could forge or replace "
                    + "its records. Nothing was read or written. Run: chmod o-w " + quoted);
        }
        UserPrincipal self = processUser();
        if (sharedGroup == null) {
            if (!found.owner().equals(self)) {
                throw new UnsafeStateDirectoryException(dir.toString(), what + "is owned by " + found.owner().getName()
                        + ", not by this process's user " + self.getName() + " (mode " + modeText + "): its owner "
                        + "could forge or replace its records. Nothing was read or written. As root, run: chown -R "
                        + self.getName() + " " + quoted + " (or open a directory this user owns; a directory shared "
                        + "by a group is opened with FileStorage.builder(dir).sharedWithGroup(group))");
            }
            if (mode.contains(PosixFilePermission.GROUP_WRITE)) {
                throw new UnsafeStateDirectoryException(dir.toString(), what + "is writable by its group "
                        + found.group().getName() + " (mode " + modeText + "): every member could forge or replace "
                        + "its records. Nothing was read or written. Run: chmod g-w " + quoted + " (or, if the "
                        + "members of " + found.group().getName() + " are meant to share this store, open it with "
                        + "FileStorage.builder(dir).sharedWithGroup(\"" + found.group().getName() + "\"))");
            }
            return;
        }
        // Shared with a group: its members are trusted by the operator's choice, so one of them may own the directory
        // (a non-member cannot give a directory to a group it is not in), but it must belong to that very group.
        if (!found.group().equals(sharedGroup)) {
            throw new UnsafeStateDirectoryException(dir.toString(), what + "belongs to the group "
                    + found.group().getName() + " (owner " + found.owner().getName() + ", mode " + modeText
                    + "), not to " + sharedGroup.getName() + ", the group this store is shared with. Nothing was read "
                    + "or written. Run: chgrp " + sharedGroup.getName() + " " + quoted + (mode.contains(
                    PosixFilePermission.GROUP_WRITE) ? "" : " && chmod g+rwx " + quoted));
        }
        // Whether this user can also write there is the kernel's business: a reader needs no write access.
    }

    /** The user this process runs as (its effective user id), found once. */
    static UserPrincipal processUser() throws IOException {
        UserPrincipal user = processUser;
        if (user == null) {
            Path self = Path.of("/proc/self");
            if (Files.isDirectory(self)) {
                user = Files.getOwner(self); // Linux: /proc/<pid> belongs to the process's effective user
            } else {
                // Elsewhere: a file this process creates belongs to its effective user.
                Path probe = Files.createTempFile("fencedstate-user-", ".probe");
                try {
                    user = Files.getOwner(probe);
                } finally {
                    Files.deleteIfExists(probe);
                }
            }
            processUser = user;
        }
        return user;
    }

    /** The path in single quotes for a POSIX shell, so that the command in a message can be pasted as it is. */
    static String shellQuoted(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }
}
