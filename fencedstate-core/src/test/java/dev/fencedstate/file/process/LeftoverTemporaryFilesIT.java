package dev.fencedstate.file.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.FencedStore;
import dev.fencedstate.file.FileStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leftover temporary file is removed at open when its writer is provably gone, not after some age: a temporary
 * file exists only while its writer holds the key's lock (or, for the format file's, the format lock), so it is left
 * alone while another process holds that lock, and removed by the first open after that process is killed (the
 * kernel releases the lock of a dead process).
 */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "SIGKILL and POSIX file locks")
class LeftoverTemporaryFilesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void aLeftoverIsKeptWhileItsLockIsHeldAndRemovedOnceItsHolderIsKilled() throws Exception {
        try (FencedStore store = FencedStore.builder(FileStorage.open(directory)).writerId("seed").build()) {
            store.commit(store.read("doc"), "v1".getBytes(StandardCharsets.UTF_8));
        }
        Path recordLeftover = Files.writeString(directory.resolve("tmp").resolve("doc.77.tmp"), "half");
        Path formatLeftover = Files.writeString(directory.resolve("fencedstate.format.88.tmp"), "fencedstate-");

        try (ChildJvm keyHolder = ChildJvm.start("key-lock-holder", LockHolderMain.class,
                directory.resolve("locks").resolve("doc.lock").toString());
                ChildJvm formatHolder = ChildJvm.start("format-lock-holder", LockHolderMain.class,
                        directory.resolve("locks").resolve("fencedstate.format.lock").toString())) {
            keyHolder.expect("LOCKED", TIMEOUT);
            formatHolder.expect("LOCKED", TIMEOUT);

            try (FencedStore store = FencedStore.builder(FileStorage.open(directory)).build()) {
                assertThat(store.read("doc").valueAsUtf8()).contains("v1");
            }
            assertThat(recordLeftover).as("its writer may be alive (it holds the lock)").exists();
            assertThat(formatLeftover).as("its writer may be alive (it holds the format lock)").exists();

            keyHolder.killHard();
            formatHolder.killHard();
        }
        FileStorage.open(directory).close();
        assertThat(recordLeftover).as("removed once its writer was provably gone").doesNotExist();
        assertThat(formatLeftover).doesNotExist();
    }
}
