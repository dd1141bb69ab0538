package dev.fencedstate.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fencedstate.CorruptStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.Snapshot;
import dev.fencedstate.StorageFailureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The file backend on a hostile or untidy host, on the real file system: links, FIFOs, sockets, devices and
 * directories where its files belong; its directories swapped for links; loose ownership and modes; files the listing
 * cannot attribute; leftovers of crashed writers; stored bytes kept out of messages. Where it matters, each case runs
 * both with directory-relative system calls (Linux) and addressing entries by path (as on platforms without them).
 * The cases that need another user are in {@code process.UnprivilegedUserIT}.
 */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "POSIX links, FIFOs, sockets and permissions")
class HostileFileSystemTest {

    /** A bound for calls that must not block; a FIFO opened by mistake would block forever. */
    private static final Duration NO_HANG = Duration.ofSeconds(20);

    @TempDir
    Path root;

    /** What can be found where one of the backend's files belongs. */
    enum Odd {
        LINK_TO_A_VALID_FILE, DANGLING_LINK, DIRECTORY, FIFO, SOCKET, DEVICE;

        /** Plants this odd thing at {@code at}; a link points at {@code target} (created for a valid one). */
        void plant(Path at, Path target, byte[] validContent) throws IOException {
            switch (this) {
                case LINK_TO_A_VALID_FILE -> {
                    Files.write(target, validContent);
                    Files.createSymbolicLink(at, target);
                }
                case DANGLING_LINK -> Files.createSymbolicLink(at, target);
                case DIRECTORY -> Files.createDirectory(at);
                case FIFO -> FileTree.fifo(at);
                case SOCKET -> FileTree.socket(at);
                case DEVICE -> {
                    assumeTrue(FileTree.isRoot(), "only root can make a device node");
                    FileTree.device(at);
                }
                default -> throw new AssertionError(this);
            }
        }

        String kind() {
            return switch (this) {
                case LINK_TO_A_VALID_FILE, DANGLING_LINK -> "symbolic link";
                case DIRECTORY -> "a directory";
                case FIFO, SOCKET, DEVICE -> "special file";
            };
        }
    }

    static Stream<Arguments> oddThingsInBothModes() {
        return Stream.of(Odd.values()).flatMap(odd -> Stream.of(true, false).map(mode -> Arguments.of(odd, mode)));
    }

    private Path state() {
        return root.resolve("state");
    }

    private Path outside() throws IOException {
        return Files.createDirectories(root.resolve("outside"));
    }

    private FileStorage open(boolean directoryRelative) {
        return FileStorage.builder(state()).directoryRelative(directoryRelative).build();
    }

    private static FencedStore store(FileStorage storage) {
        return FencedStore.builder(storage).writerId("test").build();
    }

    private Path recordFile(String key) {
        return state().resolve("records").resolve(KeyFileNames.nameOf(key) + ".rec");
    }

    private Path lockFile(String key) {
        return state().resolve("locks").resolve(KeyFileNames.nameOf(key) + ".lock");
    }

    /** The whole tree but {@code locks/}, whose (empty) lock files a failed write may have created. */
    private Map<String, String> everythingButLockFiles() throws IOException {
        Map<String, String> all = FileTree.snapshot(root);
        all.keySet().removeIf(path -> path.startsWith("state/locks/"));
        return all;
    }

    /** A valid record file of {@code key}, as another store in another directory wrote it. */
    private byte[] validRecordOf(String key, String value) throws IOException {
        Path elsewhere = root.resolve("elsewhere-" + System.nanoTime());
        try (FencedStore other = store(FileStorage.open(elsewhere))) {
            other.commit(other.read(key), value.getBytes(UTF_8));
        }
        return Files.readAllBytes(elsewhere.resolve("records").resolve(KeyFileNames.nameOf(key) + ".rec"));
    }

    // ------------------------------------------------------------ item 1: nothing but regular files, no links

    @ParameterizedTest(name = "{0} where a record belongs, directory-relative: {1}")
    @MethodSource("oddThingsInBothModes")
    void anOddThingWhereARecordBelongsIsCorruptForEveryOperationAndNothingIsWritten(Odd odd, boolean relative)
            throws IOException {
        FileStorage storage = open(relative);
        FencedStore store = store(storage);
        store.commit(store.read("neighbour"), "fine".getBytes(UTF_8));
        odd.plant(recordFile("doc"), outside().resolve("target.rec"), validRecordOf("doc", "planted"));
        Map<String, String> before = everythingButLockFiles();

        assertTimeoutPreemptively(NO_HANG, () -> {
            CorruptStateException onRead = catchThrowableOfType(CorruptStateException.class, () -> store.read("doc"));
            assertThat(onRead.location()).isEqualTo(recordFile("doc").toString());
            assertThat(onRead.isRetryable()).isFalse();
            assertThat(onRead).hasMessageContaining(odd.kind()).hasMessageContaining("record file");
            assertThatThrownBy(() -> store.update("doc", s -> "overwrite".getBytes(UTF_8)))
                    .isInstanceOf(CorruptStateException.class).hasMessageContaining(odd.kind());
            assertThatThrownBy(() -> store.claim("doc")).isInstanceOf(CorruptStateException.class);
            assertThatThrownBy(storage::keys).isInstanceOf(CorruptStateException.class)
                    .hasMessageContaining(recordFile("doc").getFileName().toString());
        });

        assertThat(everythingButLockFiles()).as("nothing written anywhere").isEqualTo(before);
        assertThat(store.read("neighbour").valueAsUtf8()).contains("fine");
    }

    @ParameterizedTest(name = "{0} where a lock file belongs, directory-relative: {1}")
    @MethodSource("oddThingsInBothModes")
    void anOddThingWhereALockFileBelongsIsCorruptForWritesWhichWriteNothing(Odd odd, boolean relative)
            throws IOException {
        FileStorage storage = open(relative);
        FencedStore store = store(storage);
        store.commit(store.read("doc"), "v1".getBytes(UTF_8));
        Files.delete(lockFile("doc"));
        Path target = outside().resolve("target.lock");
        odd.plant(lockFile("doc"), target, "not a lock file".getBytes(UTF_8));
        Map<String, String> before = FileTree.snapshot(root);

        assertTimeoutPreemptively(NO_HANG, () -> {
            CorruptStateException onWrite = catchThrowableOfType(CorruptStateException.class,
                    () -> store.update("doc", s -> "v2".getBytes(UTF_8)));
            assertThat(onWrite.location()).isEqualTo(lockFile("doc").toString());
            assertThat(onWrite.key()).isEqualTo("doc");
            assertThat(onWrite.isRetryable()).isFalse();
            assertThat(onWrite).hasMessageContaining(odd.kind()).hasMessageContaining("lock file");
            // Readers take no lock: the record itself is fine and still reads.
            assertThat(store.read("doc").valueAsUtf8()).contains("v1");
        });

        assertThat(FileTree.snapshot(root)).as("nothing written anywhere, not even at a link's target")
                .isEqualTo(before);
        if (odd == Odd.DANGLING_LINK) {
            assertThat(target).doesNotExist();
        }
    }

    @ParameterizedTest(name = "a link where {0}/ belongs is refused at open, directory-relative: {1}")
    @MethodSource("directoriesInBothModes")
    void aLinkWhereASubDirectoryBelongsIsRefusedAtOpen(String directory, boolean relative) throws IOException {
        FileStorage.open(state()).close();
        Path decoy = outside().resolve("decoy");
        Files.createDirectory(decoy);
        deleteRecursively(state().resolve(directory));
        Files.createSymbolicLink(state().resolve(directory), decoy);
        Map<String, String> before = FileTree.snapshot(root);

        CorruptStateException refused = catchThrowableOfType(CorruptStateException.class, () -> open(relative));
        assertThat(refused.location()).isEqualTo(state().resolve(directory).toString());
        assertThat(refused).hasMessageContaining("symbolic link").hasMessageContaining(directory + " directory");
        assertThat(FileTree.snapshot(root)).isEqualTo(before);
    }

    static Stream<Arguments> directoriesInBothModes() {
        return Stream.of("records", "locks", "tmp").flatMap(dir -> Stream.of(true, false)
                .map(m -> Arguments.of(dir, m)));
    }

    @ParameterizedTest(name = "{0}/ swapped for a link while open, directory-relative: {1}")
    @MethodSource("directoriesInBothModes")
    void aSubDirectorySwappedForALinkWhileOpenIsDetectedAtTheNextWriteAndReceivesNothing(String directory,
            boolean relative) throws IOException {
        FileStorage storage = open(relative);
        FencedStore store = store(storage);
        store.commit(store.read("doc"), "v1".getBytes(UTF_8));
        Path decoy = Files.createDirectory(outside().resolve("decoy"));
        Files.move(state().resolve(directory), state().resolve(directory + ".moved"));
        Files.createSymbolicLink(state().resolve(directory), decoy);
        Map<String, String> before = FileTree.snapshot(root);

        CorruptStateException refused = catchThrowableOfType(CorruptStateException.class,
                () -> store.update("doc", s -> "v2".getBytes(UTF_8)));
        assertThat(refused.location()).isEqualTo(state().resolve(directory).toString());
        assertThat(refused).hasMessageContaining("replaced by a symbolic link");
        assertThat(FileTree.snapshot(root)).as("nothing written, neither in the moved directory nor the decoy")
                .isEqualTo(before);
    }

    /**
     * A thread swaps {@code records/} for a link to a decoy directory and back, over and over, while writers commit.
     * With directory-relative calls no write can reach the decoy, not even one whose check ran before a swap; every
     * commit either lands in the real directory or fails, having written nothing.
     */
    @Test
    void recordsSwappedBackAndForthUnderRunningWritersNeverRedirectsAWrite() throws Exception {
        FileStorage storage = open(true);
        Path decoy = Files.createDirectory(outside().resolve("decoy"));
        Files.write(decoy.resolve("counter.rec"), validRecordOf("counter", "1000"));
        Map<String, String> decoyBefore = FileTree.snapshot(decoy);
        Path records = state().resolve("records");
        Path moved = state().resolve("records.real");
        AtomicBoolean swapping = new AtomicBoolean(true);
        AtomicLong swaps = new AtomicLong();
        Thread swapper = new Thread(() -> {
            try {
                while (swapping.get()) {
                    Files.move(records, moved, StandardCopyOption.ATOMIC_MOVE);
                    Files.createSymbolicLink(records, decoy);
                    Thread.onSpinWait();
                    Files.delete(records);
                    Files.move(moved, records, StandardCopyOption.ATOMIC_MOVE);
                    swaps.incrementAndGet();
                    Thread.sleep(0, 200_000);
                }
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        }, "records-swapper");
        int threads = 4;
        int perThread = 60;
        AtomicLong committed = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                FencedStore store = FencedStore.builder(storage).writerId("w" + t)
                        .retryPolicy(new RetryPolicy(1000, Duration.ofNanos(1000), 2, Duration.ofMillis(1), 1))
                        .build();
                futures.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < perThread; i++) {
                        try {
                            store.update("counter", s -> Long.toString(
                                    s.valueAsUtf8().map(Long::parseLong).orElse(0L) + 1).getBytes(UTF_8));
                            committed.incrementAndGet();
                        } catch (CorruptStateException swappedMeanwhile) {
                            assertThat(swappedMeanwhile).hasMessageContaining("replaced by");
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            swapper.start();
            start.await(10, TimeUnit.SECONDS);
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            swapping.set(false);
            swapper.join(10_000);
            pool.shutdownNow();
        }
        System.out.printf("[swap] %d swaps of records/; %d commits landed, %d refused as the directory was swapped%n",
                swaps.get(), committed.get(), refused.get());
        assertThat(swaps.get()).as("swaps made while the writers ran").isPositive();
        assertThat(FileTree.snapshot(decoy)).as("the decoy directory, byte for byte").isEqualTo(decoyBefore);
        Snapshot counter = store(FileStorage.open(state())).read("counter");
        assertThat(counter.valueAsUtf8()).as("every landed commit counted, no refused one")
                .contains(Long.toString(committed.get()));
    }

    @ParameterizedTest(name = "{0} where the format file belongs")
    @MethodSource("oddThingsForTheFormatFile")
    void anOddThingWhereTheFormatFileBelongsIsRefusedAtOpenWithoutQuotingIt(Odd odd) throws IOException {
        FileStorage.open(state()).close();
        Path marker = state().resolve("fencedstate.format");
        Files.delete(marker);
        Path secret = outside().resolve("secret");
        odd.plant(marker, secret, "fencedstate-files-format=1\nTOP-SECRET-TOKEN\n".getBytes(UTF_8));
        Map<String, String> before = FileTree.snapshot(root);

        CorruptStateException refused = assertTimeoutPreemptively(NO_HANG,
                () -> catchThrowableOfType(CorruptStateException.class, () -> FileStorage.open(state())));
        assertThat(refused.location()).isEqualTo(marker.toString());
        assertThat(refused).hasMessageContaining(odd.kind()).hasMessageNotContaining("TOP-SECRET");
        assertThat(FileTree.snapshot(root)).isEqualTo(before);
    }

    static Stream<Odd> oddThingsForTheFormatFile() {
        return Stream.of(Odd.LINK_TO_A_VALID_FILE, Odd.DANGLING_LINK, Odd.DIRECTORY, Odd.FIFO, Odd.SOCKET);
    }

    @ParameterizedTest(name = "in {0}/")
    @ValueSource(strings = {"tmp", "records"})
    void anOddThingNamedLikeATemporaryFileIsRefusedAtOpenAndLeftAlone(String directory) throws IOException {
        FileStorage.open(state()).close();
        Path victim = Files.writeString(outside().resolve("victim"), "precious");
        Files.createSymbolicLink(state().resolve(directory).resolve("doc.0123abcd.tmp"), victim);
        Map<String, String> before = FileTree.snapshot(root);

        assertThatThrownBy(() -> FileStorage.open(state())).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("doc.0123abcd.tmp").hasMessageContaining("symbolic link")
                .hasMessageContaining("temporary file");
        assertThat(FileTree.snapshot(root)).isEqualTo(before);
    }

    @Test
    void aFifoAsTheStateDirectoryFailsWithoutBlocking() {
        Path fifo = root.resolve("fifo-state");
        FileTree.fifo(fifo);
        assertTimeoutPreemptively(NO_HANG, () -> assertThatThrownBy(() -> FileStorage.open(fifo))
                .isInstanceOf(StorageFailureException.class).hasMessageContaining("not a directory"));
    }

    // ------------------------------------------------------------ item 6: stored bytes never in a message

    @Test
    void aDamagedFormatFileIsReportedWithoutQuotingIt() throws IOException {
        FileStorage.open(state()).close();
        for (String content : List.of("password=hunter2-very-secret", "fencedstate-files-format=hunter2",
                "x".repeat(300) + "hunter2")) {
            Files.writeString(state().resolve("fencedstate.format"), content);
            assertThatThrownBy(() -> FileStorage.open(state())).isInstanceOf(CorruptStateException.class)
                    .hasMessageContaining("fencedstate.format").hasMessageNotContaining("hunter2");
        }
    }

    @Test
    void aForeignFileInPlaceOfARecordIsReportedWithoutQuotingIt() throws IOException {
        FencedStore store = store(FileStorage.open(state()));
        for (String content : List.of("the password is hunter2, and this is long enough to be a header",
                "FSTR and then the password hunter2, long enough to be a header")) {
            Files.writeString(recordFile("doc"), content);
            // Bad magic bytes, or (FSTR) an unknown format version: either way, what the file holds is not quoted.
            assertThatThrownBy(() -> store.read("doc")).isInstanceOf(dev.fencedstate.FencedStateException.class)
                    .hasMessageContaining(recordFile("doc").toString()).hasMessageNotContaining("hunter2");
        }
    }

    // ------------------------------------------------------------ item 4: keys() hides nothing

    static Stream<Arguments> unattributableRecordFiles() {
        String otherLongKey = "long/" + "o".repeat(300);
        return Stream.of(
                Arguments.of("a name no key maps to", "NOT-A-NAME.rec", "doc"),
                Arguments.of("a name fencedstate never writes (non-canonical escape)", "%61.rec", "a"),
                Arguments.of("a name that stands for an invalid key", "%00.rec", "doc"),
                Arguments.of("a hashed name holding another key's record", "~" + "0".repeat(64) + ".rec",
                        otherLongKey),
                Arguments.of("a hashed name holding a short key's record", "~" + "1".repeat(64) + ".rec", "doc"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unattributableRecordFiles")
    void keysReportsEveryRecordFileItCannotAttributeToItsKey(String what, String fileName, String recordKey)
            throws IOException {
        FencedStore store = store(FileStorage.open(state()));
        store.commit(store.read("fine"), "v".getBytes(UTF_8));
        Path file = state().resolve("records").resolve(fileName);
        Files.write(file, validRecordOf(recordKey, "v"));

        CorruptStateException reported = catchThrowableOfType(CorruptStateException.class, store::keys);
        assertThat(reported.location()).isEqualTo(file.toString());
        assertThat(reported.isRetryable()).isFalse();
    }

    @Test
    void keysReportsALinkNamedLikeARecord() throws IOException {
        FencedStore store = store(FileStorage.open(state()));
        Path target = outside().resolve("doc.rec");
        Files.write(target, validRecordOf("doc", "v"));
        Files.createSymbolicLink(recordFile("doc"), target);
        assertThatThrownBy(store::keys).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("symbolic link");
    }

    @Test
    void keysStillListsEveryAttributableRecordAndIgnoresFilesThatAreNoRecords() throws IOException {
        FencedStore store = store(FileStorage.open(state()));
        String longKey = "long/" + "k".repeat(300);
        for (String key : List.of("a", "B", longKey, "x/y")) {
            store.commit(store.read(key), "v".getBytes(UTF_8));
        }
        Files.writeString(state().resolve("records").resolve("notes.txt"), "an operator's note");
        assertThat(store.keys()).containsExactly("B", "a", longKey, "x/y");
    }

    // ------------------------------------------------------------ item 5: leftovers, by lock not by age

    @Test
    void leftoverTemporaryFilesWhoseLockIsFreeAreRemovedAtOpenWhateverTheirAge() throws IOException {
        FencedStore store = store(FileStorage.open(state()));
        String longKey = "long/" + "k".repeat(300);
        store.commit(store.read(longKey), "v".getBytes(UTF_8));
        Path records = state().resolve("records");
        Path young = Files.writeString(state().resolve("tmp").resolve("doc.5678.tmp"), "half a record, just now");
        Path hashed = Files.writeString(state().resolve("tmp").resolve(KeyFileNames.nameOf(longKey) + ".9abc.tmp"),
                "half");
        Path ofAnEarlierRelease = Files.writeString(records.resolve("doc.1234.tmp"), "written where 0.1 wrote them");
        Path formatTemp = Files.writeString(state().resolve("fencedstate.format.4d2.tmp"), "fencedstate-files-");
        Path notOurs = Files.writeString(records.resolve("notes.tmp"), "an operator's scratch file");

        FileStorage reopened = FileStorage.open(state());

        assertThat(young).doesNotExist();
        assertThat(hashed).doesNotExist();
        assertThat(ofAnEarlierRelease).doesNotExist();
        assertThat(formatTemp).doesNotExist();
        assertThat(notOurs).as("a file fencedstate did not name is left alone").exists();
        assertThat(reopened.keys()).containsExactly(longKey);
    }

    /**
     * A writer that locked a lock file which was then deleted may be stalled just before its rename, which is blind.
     * The first writer under the next lock file removes such a writer's temporary file (here planted by hand), so that
     * its rename fails instead of overwriting a newer commit; under a lock file that has had a writer, nothing is
     * listed or removed (a crashed writer's leftover waits for the next open).
     */
    @Test
    void theFirstWriterUnderANewLockFileRemovesTemporaryFilesOfWritersUnderEarlierOnes() throws IOException {
        FencedStore store = store(FileStorage.open(state()));
        store.commit(store.read("doc"), "v1".getBytes(UTF_8));
        Path tmp = state().resolve("tmp");
        Path stalled = Files.writeString(tmp.resolve("doc.5ca1ab1e.tmp"), "a stalled writer's next record");
        Path otherKeys = Files.writeString(tmp.resolve("docs.5ca1ab1e.tmp"), "another key's, in flight");

        store.update("doc", s -> "v2".getBytes(UTF_8));
        assertThat(stalled).as("under the same lock file: not looked for").exists();

        Files.delete(lockFile("doc"));
        store.update("doc", s -> "v3".getBytes(UTF_8));
        assertThat(stalled).as("removed by the first writer under the new lock file").doesNotExist();
        assertThat(otherKeys).as("another key's temporary file").exists();
        assertThat(store.read("doc").valueAsUtf8()).contains("v3");

        // A lock file replaced by a copy of a marked one (another file, so not its mark): the same.
        Files.writeString(tmp.resolve("doc.5ca1ab1f.tmp"), "another stalled writer's");
        Path copy = Files.copy(lockFile("doc"), state().resolve("locks").resolve("copy"));
        Files.move(copy, lockFile("doc"), StandardCopyOption.REPLACE_EXISTING);
        store.update("doc", s -> "v4".getBytes(UTF_8));
        assertThat(tmp.resolve("doc.5ca1ab1f.tmp")).doesNotExist();
    }

    // ------------------------------------------------------------ item 2: who may write the directory

    @ParameterizedTest(name = "state directory with mode {0}")
    @ValueSource(strings = {"rwxrwxrwx", "rwx---rwx", "rwxrwx---", "rwx-w----"})
    void aStateDirectoryOthersCanWriteToIsRefusedAndLeftUntouched(String mode) throws IOException {
        Files.createDirectory(state());
        Files.setPosixFilePermissions(state(), PosixFilePermissions.fromString(mode));

        UnsafeStateDirectoryException refused = catchThrowableOfType(UnsafeStateDirectoryException.class,
                () -> FileStorage.open(state()));
        assertThat(refused.path()).isEqualTo(state().toString());
        assertThat(refused.isRetryable()).isFalse();
        assertThat(refused).hasMessageContaining(state().toString()).hasMessageContaining("mode " + mode)
                .hasMessageContaining(mode.charAt(7) == 'w' ? "chmod o-w '" + state() + "'"
                        : "chmod g-w '" + state() + "'")
                .hasMessageContaining("Nothing was read or written");
        if (mode.charAt(7) != 'w') {
            assertThat(refused).hasMessageContaining("sharedWithGroup(");
        }
        try (Stream<Path> inside = Files.list(state())) {
            assertThat(inside).as("nothing created in a refused directory").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}/ writable by others")
    @ValueSource(strings = {"records", "locks", "tmp"})
    void aSubDirectoryOthersCanWriteToIsRefused(String directory) throws IOException {
        FileStorage.open(state()).close();
        Files.setPosixFilePermissions(state().resolve(directory), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> FileStorage.open(state())).isInstanceOf(UnsafeStateDirectoryException.class)
                .hasMessageContaining(state().resolve(directory).toString()).hasMessageContaining("chmod o-w");
    }

    @Test
    void aStateDirectoryOwnedByAnotherUserIsRefusedEvenForRoot() throws IOException {
        assumeTrue(FileTree.isRoot(), "only root can give a directory away; the unprivileged side is in an IT");
        Files.createDirectory(state());
        FileTree.run("chown", "65534", state().toString());

        UnsafeStateDirectoryException refused = catchThrowableOfType(UnsafeStateDirectoryException.class,
                () -> FileStorage.open(state()));
        assertThat(refused).hasMessageContaining("is owned by").hasMessageContaining("not by this process's user root")
                .hasMessageContaining("chown -R root '" + state() + "'");
        try (Stream<Path> inside = Files.list(state())) {
            assertThat(inside).isEmpty();
        }
    }

    @Test
    void aGroupWritableDirectoryOpensOnlyWhenSharedWithItsOwnGroup() throws IOException {
        Files.createDirectory(state());
        Files.setPosixFilePermissions(state(), PosixFilePermissions.fromString("rwxrwx---"));
        GroupPrincipal group = Files.readAttributes(state(), PosixFileAttributes.class).group();
        String otherGroup = Stream.of("nogroup", "nobody", "users", "daemon", "staff")
                .filter(name -> !name.equals(group.getName())).filter(HostileFileSystemTest::groupExists)
                .findFirst().orElseThrow();

        assertThatThrownBy(() -> FileStorage.open(state())).isInstanceOf(UnsafeStateDirectoryException.class);
        assertThatThrownBy(() -> FileStorage.builder(state()).sharedWithGroup(otherGroup).build())
                .isInstanceOf(UnsafeStateDirectoryException.class)
                .hasMessageContaining("not to " + otherGroup).hasMessageContaining("chgrp " + otherGroup);
        assertThatThrownBy(() -> FileStorage.builder(state()).sharedWithGroup("no-such-group-fencedstate"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-group-fencedstate");

        try (FencedStore store = store(FileStorage.builder(state()).sharedWithGroup(group.getName()).build())) {
            store.commit(store.read("doc"), "shared".getBytes(UTF_8));
        }
        for (Path created : List.of(state().resolve("records"), state().resolve("locks"), state().resolve("tmp"))) {
            PosixFileAttributes attributes = Files.readAttributes(created, PosixFileAttributes.class);
            assertThat(attributes.group()).isEqualTo(group);
            assertThat(PosixFilePermissions.toString(attributes.permissions())).isEqualTo("rwxrwx---");
        }
        for (Path created : List.of(recordFile("doc"), lockFile("doc"), state().resolve("fencedstate.format"))) {
            PosixFileAttributes attributes = Files.readAttributes(created, PosixFileAttributes.class);
            assertThat(attributes.group()).as("group of %s", created).isEqualTo(group);
            assertThat(PosixFilePermissions.toString(attributes.permissions())).as("mode of %s", created)
                    .isEqualTo("rw-rw----");
        }
    }

    private static boolean groupExists(String name) {
        try {
            java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        try (Stream<Path> all = Files.walk(path)) {
            for (Path each : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }
}
