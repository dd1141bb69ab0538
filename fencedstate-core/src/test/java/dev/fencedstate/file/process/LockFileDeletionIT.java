package dev.fencedstate.file.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.file.FileStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tmp cleaner (or an operator "removing stale locks") deletes lock files under running writers: several writer
 * processes increment shared counters while a thread of this JVM deletes every file in {@code locks/} over and over,
 * every other pass replacing each one by a new file instead (renamed over it, so that the name never disappears).
 * Deleting a lock file must cost time, never an update: the final value of each counter must equal the increments
 * acknowledged for it, and every acknowledged value must be distinct.
 *
 * <p>Without the lock protocol's identity checks this loses updates: a writer that opened the lock file before it was
 * deleted, or whose lock file was deleted while it was inside its commit, and a writer that created the next lock
 * file are both inside at once. Run longer with {@code -Dfencedstate.lockdeletion.operations=<per thread>}.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "POSIX file locks and unlink semantics; /proc")
class LockFileDeletionIT {

    private static final int PROCESSES = 3;
    private static final int THREADS = 4;
    private static final int OPERATIONS_PER_THREAD = Integer.getInteger("fencedstate.lockdeletion.operations", 150);
    /** Two keys for twelve threads: most commits have company, which is what a deleted lock file has to survive. */
    /** The deleter's pause between two sweeps of {@code locks/}: every lock file lives about this long. */
    private static final long DELETER_PAUSE_MICROS = Long.getLong("fencedstate.lockdeletion.pauseMicros", 1000);
    private static final List<String> KEYS = List.of("swept-a", "swept-b");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(150);

    @TempDir
    Path directory;

    @Test
    void deletingLockFilesUnderRunningWriterProcessesLosesNoAcknowledgedUpdate() throws Exception {
        FileStorage.open(directory).close();
        Path locks = directory.resolve("locks");
        long started = System.nanoTime();
        AtomicBoolean deleting = new AtomicBoolean(true);
        AtomicLong deleted = new AtomicLong();
        AtomicReference<Throwable> deleterFailure = new AtomicReference<>();
        Thread deleter = new Thread(() -> {
            try {
                for (long pass = 0; deleting.get(); pass++) {
                    try (DirectoryStream<Path> files = Files.newDirectoryStream(locks, "*.lock")) {
                        for (Path file : files) {
                            try {
                                if (pass % 2 == 0) {
                                    Files.delete(file);
                                } else {
                                    // Replaced rather than deleted: the name never disappears, its file changes.
                                    Path fresh = Files.createFile(locks.resolve("replacement-" + pass + ".new"));
                                    Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE);
                                }
                                deleted.incrementAndGet();
                            } catch (NoSuchFileException alreadyGone) {
                                // deleted between the listing and here; nothing to do
                            }
                        }
                    }
                    // A short breath, so the deleter does not take a whole core from the writers it attacks.
                    LockSupport.parkNanos(DELETER_PAUSE_MICROS * 1000);
                }
            } catch (IOException | RuntimeException e) {
                deleterFailure.set(e);
            }
        }, "lock-file-deleter");

        CounterWriters.Results results;
        try {
            results = CounterWriters.race("swept-writer", directory, PROCESSES, THREADS, OPERATIONS_PER_THREAD,
                    KEYS, START_TIMEOUT, RUN_TIMEOUT, deleter::start);
        } finally {
            deleting.set(false);
            deleter.join(10_000);
        }
        assertThat(deleterFailure.get()).as("the deleter thread's failure").isNull();

        Map<String, List<Long>> acknowledgedValues = results.acknowledgedValues();
        long totalAcknowledged = results.acknowledged();
        long gaveUp = results.gaveUp();
        System.out.printf("[lock-deletion] %d processes x %d threads x %d updates on %d keys: %d acknowledged, "
                        + "%d gave up after all retries, %d version conflicts, %d lock files deleted or replaced under them, "
                        + "%d ms%n", PROCESSES, THREADS, OPERATIONS_PER_THREAD, KEYS.size(), totalAcknowledged,
                gaveUp, results.conflicts(), deleted.get(), Duration.ofNanos(System.nanoTime() - started).toMillis());
        assertThat(deleted.get()).as("lock files deleted or replaced while the writers ran (else this proves nothing)")
                .isGreaterThan(100);
        assertThat(totalAcknowledged + gaveUp).as("every update acknowledged or reported as given up")
                .isEqualTo((long) PROCESSES * THREADS * OPERATIONS_PER_THREAD);
        try (FencedStore store = FencedStore.builder(FileStorage.open(directory)).build()) {
            for (String key : KEYS) {
                List<Long> acknowledged = acknowledgedValues.get(key);
                long finalValue = Long.parseLong(store.read(key).valueAsUtf8().orElseThrow());
                System.out.printf("[lock-deletion] %s: final value %d, %d acknowledged increments%n", key,
                        finalValue, acknowledged.size());
                assertThat(finalValue).as("final value of %s == its acknowledged increments (%d acknowledged "
                        + "values were acknowledged twice)", key, acknowledged.size() - acknowledged.stream()
                        .distinct().count()).isEqualTo(acknowledged.size());
                assertThat(acknowledged).as("values acknowledged for %s: each exactly once, none missing", key)
                        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, finalValue).boxed().toList());
            }
        }
    }

    /**
     * The case the check after locking exists for, made deterministic: a writer waits for a lock file that another
     * process holds; the file is deleted and a third process creates and locks the new one; then the first holder
     * lets go. The waiting writer now gets the lock of a file that no longer has a name, while the third process
     * holds the lock everyone else sees. It must notice, let go, and wait for the real one (here until its lock
     * timeout, since the third process never lets go), rather than write.
     */
    @Test
    void aWriterThatLockedADeletedLockFileLetsGoInsteadOfWriting() throws Exception {
        Path lockFile = directory.resolve("locks").resolve("doc.lock");
        FileStorage storage = FileStorage.builder(directory).lockTimeout(Duration.ofSeconds(3)).build();
        FencedStore store = FencedStore.builder(storage).writerId("waiting-writer").build();
        store.commit(store.read("doc"), "v1".getBytes(StandardCharsets.UTF_8));
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (ChildJvm firstHolder = ChildJvm.start("first-holder", LockHolderMain.class, lockFile.toString())) {
            firstHolder.expect("LOCKED", START_TIMEOUT);
            Future<Snapshot> waiting = writer.submit(() -> store.update("doc",
                    s -> "v2".getBytes(StandardCharsets.UTF_8)));
            awaitOpenInThisProcess(lockFile, waiting);
            Files.delete(lockFile);
            try (ChildJvm secondHolder = ChildJvm.start("second-holder", LockHolderMain.class,
                    lockFile.toString())) {
                secondHolder.expect("LOCKED", START_TIMEOUT);
                firstHolder.send("RELEASE");
                firstHolder.awaitSuccess(START_TIMEOUT);

                Throwable outcome = catchThrowable(() -> waiting.get(30, TimeUnit.SECONDS));
                assertThat(outcome).as("the waiting writer's commit, while the new lock file is held")
                        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(StorageFailureException.class)
                        .hasMessageContaining("Timed out").hasMessageContaining("Nothing was written");
                assertThat(store.read("doc").valueAsUtf8()).contains("v1");
                secondHolder.send("RELEASE");
                secondHolder.awaitSuccess(START_TIMEOUT);
            }
            assertThat(store.update("doc", s -> "v2".getBytes(StandardCharsets.UTF_8)).version()).isEqualTo(2);
        } finally {
            writer.shutdownNow();
        }
    }

    /** Waits until this JVM has {@code file} open (the waiting writer's descriptor), or the writer is done. */
    private static void awaitOpenInThisProcess(Path file, Future<?> writer) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
                for (Path descriptor : descriptors) {
                    try {
                        if (Files.readSymbolicLink(descriptor).equals(file)) {
                            return;
                        }
                    } catch (IOException closedMeanwhile) {
                        // a descriptor closed between the listing and here
                    }
                }
            }
            assertThat(writer.isDone()).as("the writer finished before it ever waited for the lock").isFalse();
            assertThat(System.nanoTime() - deadline).as("the writer opened the lock file in time").isNegative();
            LockSupport.parkNanos(1_000_000);
        }
    }
}
