package dev.fencedstate.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fencedstate.CorruptStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.Snapshot;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.UnsupportedFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the file backend has to prove: files, permissions, damage, containment. */
class FileStorageTest {

    @TempDir
    Path root;

    private Path stateDir() {
        return root.resolve("state");
    }

    private FencedStore store(FileStorage storage) {
        return FencedStore.builder(storage).writerId("test").build();
    }

    private Path recordFile(String key) {
        return stateDir().resolve("records").resolve(KeyFileNames.nameOf(key) + ".rec");
    }

    @Test
    void createsEverythingOwnerOnly() throws IOException {
        FencedStore store = store(FileStorage.open(stateDir()));
        store.commit(store.read("doc"), "secret".getBytes(UTF_8));

        Set<PosixFilePermission> dir = PosixFilePermissions.fromString("rwx------");
        Set<PosixFilePermission> file = PosixFilePermissions.fromString("rw-------");
        assertThat(Files.getPosixFilePermissions(stateDir())).isEqualTo(dir);
        assertThat(Files.getPosixFilePermissions(stateDir().resolve("records"))).isEqualTo(dir);
        assertThat(Files.getPosixFilePermissions(stateDir().resolve("locks"))).isEqualTo(dir);
        assertThat(Files.getPosixFilePermissions(stateDir().resolve("tmp"))).isEqualTo(dir);
        assertThat(Files.getPosixFilePermissions(stateDir().resolve("fencedstate.format"))).isEqualTo(file);
        assertThat(Files.getPosixFilePermissions(recordFile("doc"))).isEqualTo(file);
        assertThat(Files.getPosixFilePermissions(stateDir().resolve("locks").resolve("doc.lock"))).isEqualTo(file);
    }

    @Test
    void hostileKeysNeverLeaveTheRecordsDirectory() throws IOException {
        FencedStore store = store(FileStorage.open(stateDir()));
        List<String> keys = List.of("../escape", "../../escape", "/tmp/escape", "..", ".", "a/../../b", "..\\..\\c",
                "records/../../locks", "x".repeat(512));
        for (String key : keys) {
            store.commit(store.read(key), key.getBytes(UTF_8));
        }
        try (Stream<Path> all = Files.walk(root)) {
            List<Path> files = all.filter(Files::isRegularFile).toList();
            assertThat(files).allSatisfy(path -> assertThat(path).startsWith(stateDir()));
            assertThat(files.stream().filter(p -> p.getParent().equals(stateDir().resolve("records"))))
                    .hasSize(keys.size());
        }
        assertThat(store.keys()).containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void aDamagedRecordIsReportedAndLeftUntouched() throws IOException {
        FencedStore store = store(FileStorage.open(stateDir()));
        store.commit(store.read("doc"), "good".getBytes(UTF_8));
        store.commit(store.read("neighbour"), "fine".getBytes(UTF_8));
        Path file = recordFile("doc");
        byte[] valid = Files.readAllBytes(file);
        byte[] damaged = java.util.Arrays.copyOf(valid, valid.length - 3);
        Files.write(file, damaged);
        FileTime modified = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(file, modified);

        CorruptStateException onRead = catchThrowableOfType(CorruptStateException.class, () -> store.read("doc"));
        assertThat(onRead.location()).isEqualTo(file.toRealPath().toString());
        assertThat(onRead.key()).isEqualTo("doc");
        assertThat(onRead.isRetryable()).isFalse();
        assertThat(onRead).hasMessageContaining("truncated").hasMessageContaining("left untouched");
        assertThatThrownBy(() -> store.update("doc", s -> "overwrite".getBytes(UTF_8)))
                .isInstanceOf(CorruptStateException.class);
        assertThatThrownBy(() -> store.claim("doc")).isInstanceOf(CorruptStateException.class);

        assertThat(Files.readAllBytes(file)).isEqualTo(damaged);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
        assertThat(store.read("neighbour").valueAsUtf8()).contains("fine");
    }

    @Test
    void aForeignFileInPlaceOfARecordIsCorrupt() throws IOException {
        FencedStore store = store(FileStorage.open(stateDir()));
        Files.writeString(recordFile("doc"), "{\"not\": \"a record\"}");
        assertThatThrownBy(() -> store.read("doc")).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("not a fencedstate record");
    }

    @Test
    void aDirectoryOfANewerFormatIsRefused() throws IOException {
        FileStorage.open(stateDir()).close();
        Files.writeString(stateDir().resolve("fencedstate.format"), "fencedstate-files-format=9\n");
        assertThatThrownBy(() -> FileStorage.open(stateDir())).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("format version 9");
        Files.writeString(stateDir().resolve("fencedstate.format"), "garbage");
        assertThatThrownBy(() -> FileStorage.open(stateDir())).isInstanceOf(CorruptStateException.class);
    }

    @Test
    void aPathThatIsNotADirectoryFailsClearly() throws IOException {
        Path file = Files.writeString(root.resolve("plain-file"), "x");
        assertThatThrownBy(() -> FileStorage.open(file)).isInstanceOf(StorageFailureException.class)
                .hasMessageContaining("Cannot open the state directory");
    }

    @Test
    void twoStoragesOnOneDirectoryInOneJvmStillHaveExactTotals() throws Exception {
        assertExactTotalsWhenSharing(FileStorage.open(stateDir()), FileStorage.open(stateDir()), 6, 30);
    }

    @Test
    void aDamagedLongKeyRecordIsReportedByTheListingNotHidden() throws IOException {
        FencedStore store = store(FileStorage.open(stateDir()));
        String longKey = "long/" + "k".repeat(300);
        store.commit(store.read(longKey), "v".getBytes(UTF_8));
        store.commit(store.read("short"), "v".getBytes(UTF_8));
        assertThat(store.keys()).containsExactly(longKey, "short");
        Path file = recordFile(longKey);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 1));

        assertThatThrownBy(store::keys).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining(file.getFileName().toString());
    }

    @Test
    void aLongKeyRecordOfANewerFormatIsReportedAsSuchByTheListing() throws IOException {
        FencedStore store = store(FileStorage.open(stateDir()));
        String longKey = "long/" + "k".repeat(300);
        store.commit(store.read(longKey), "v".getBytes(UTF_8));
        Path file = recordFile(longKey);
        byte[] bytes = Files.readAllBytes(file);
        bytes[5] = 9; // format version 9, from some future release
        Files.write(file, bytes);

        assertThatThrownBy(store::keys).isInstanceOf(UnsupportedFormatException.class);
        assertThatThrownBy(() -> store.read(longKey)).isInstanceOf(UnsupportedFormatException.class);
    }

    @Test
    void aDirectoryReachedThroughASymlinkStillHasExactTotals() throws Exception {
        FileStorage.open(stateDir()).close();
        Path alias = Files.createSymbolicLink(root.resolve("alias"), stateDir());
        // Both storages resolve to one real directory; their in-JVM locks must be the same ones.
        assertExactTotalsWhenSharing(FileStorage.open(stateDir()), FileStorage.open(alias), 4, 25);
    }

    /** Threads alternate between the two storages, incrementing one counter; no increment may be lost. */
    private void assertExactTotalsWhenSharing(FileStorage first, FileStorage second, int threads, int perThread)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                FencedStore store = FencedStore.builder(t % 2 == 0 ? first : second).writerId("w" + t)
                        .retryPolicy(new RetryPolicy(1000, Duration.ofNanos(1000), 2, Duration.ofMillis(1), 1))
                        .build();
                futures.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < perThread; i++) {
                        store.update("counter", s -> Long.toString(
                                s.valueAsUtf8().map(Long::parseLong).orElse(0L) + 1).getBytes(UTF_8));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Snapshot result = store(second).read("counter");
        assertThat(result.valueAsUtf8()).contains(Integer.toString(threads * perThread));
        assertThat(result.version()).isEqualTo(threads * perThread);
    }
}
