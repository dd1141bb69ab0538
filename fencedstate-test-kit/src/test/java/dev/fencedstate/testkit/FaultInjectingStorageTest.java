package dev.fencedstate.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.spi.StoredRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each fault does what it says, seen through a real FencedStore on the in-memory backend, with real threads. */
@DisplayName("FaultInjectingStorage")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultInjectingStorageTest {

    private final ManualClock clock = ManualClock.create();
    private final FaultInjectingStorage storage = new FaultInjectingStorage(new InMemoryStorage(clock));
    private final FencedStore store = FencedStore.builder(storage).writerId("me").build();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    @DisplayName("a failed read throws the armed exception once; the next read is the backend's")
    void failedRead() {
        Snapshot v1 = store.commit(store.read("plan"), bytes("v1"));
        StorageFailureException unreachable = new StorageFailureException("plan", "backend unreachable", true, null,
                null);
        storage.failNextRead(unreachable);

        assertThatThrownBy(() -> store.read("plan")).isSameAs(unreachable);
        assertThat(store.read("plan").valueAsUtf8()).contains("v1");
        assertThat(store.read("plan").version()).isEqualTo(v1.version());
        assertThat(storage.reads()).as("failed reads count too").isEqualTo(4);
    }

    @Test
    @DisplayName("failed before the write: known outcome, nothing written, and the next commit goes through")
    void failedBeforeWrite() {
        Snapshot v1 = store.commit(store.read("plan"), bytes("v1"));
        storage.failNextCompareAndSetBeforeWrite(
                new StorageFailureException("plan", "connection refused", true, null, null));

        StorageFailureException failure = catchThrowableOfType(StorageFailureException.class,
                () -> store.commit(v1, bytes("v2")));

        assertThat(failure.outcomeKnown()).isTrue();
        Snapshot after = store.read("plan");
        assertThat(after.version()).as("nothing written").isEqualTo(v1.version());
        assertThat(after.valueAsUtf8()).contains("v1");
        assertThat(store.commit(after, bytes("v2")).version()).isEqualTo(v1.version() + 1);
    }

    @Test
    @DisplayName("failed after the write: unknown outcome, the write landed, and the commit id says so")
    void failedAfterWrite() {
        Snapshot v1 = store.commit(store.read("plan"), bytes("v1"));
        storage.failNextCompareAndSetAfterWrite(
                new StorageFailureException("plan", "connection lost", false, null, null));

        StorageFailureException failure = catchThrowableOfType(StorageFailureException.class,
                () -> store.commit(v1, bytes("v2")));

        assertThat(failure.outcomeKnown()).isFalse();
        assertThat(failure.commitId()).as("the store names the commit whose outcome is unknown").isNotNull();
        Snapshot after = store.read("plan");
        assertThat(after.valueAsUtf8()).as("the write landed").contains("v2");
        assertThat(after.version()).isEqualTo(v1.version() + 1);
        assertThat(after.commitId()).as("resolved by commit id").isEqualTo(Optional.ofNullable(failure.commitId()));
    }

    @Test
    @DisplayName("failed after a compare-and-set that lost: the caller hears the failure, and nothing was written")
    void failedAfterALostWrite() {
        store.commit(store.read("plan"), bytes("other writer"));
        storage.failNextCompareAndSetAfterWrite(
                new StorageFailureException("plan", "connection lost", false, null, null));
        // Written as if the key had no record yet: the compare-and-set loses.
        StoredRecord stale = new StoredRecord("plan", 1, 1, 0, bytes("mine"), null, null, "me", null, null);

        assertThatThrownBy(() -> storage.compareAndSet(null, stale)).isInstanceOf(StorageFailureException.class);
        assertThat(store.read("plan").valueAsUtf8()).contains("other writer");
        assertThat(storage.compareAndSets()).isEqualTo(2);
    }

    @Test
    @DisplayName("a paused thread waits at the barrier before its compare-and-set; other threads do not")
    void pauseHoldsOnlyTheChosenThread() throws Exception {
        CyclicBarrier release = new CyclicBarrier(2);
        Snapshot base = store.read("plan");
        Future<Snapshot> held = threads.submit(() -> {
            storage.pauseBeforeNextCompareAndSet(Thread.currentThread(), release);
            return store.commit(store.read("other"), bytes("held"));
        });
        awaitWaiting(release, 1);

        // Not armed: this thread's compare-and-set goes straight through while the other one waits.
        assertThat(store.commit(base, bytes("free")).version()).isEqualTo(1);
        assertThat(held).isNotDone();
        assertThat(store.read("other").version()).as("the held write has not reached the backend").isZero();

        release.await(10, TimeUnit.SECONDS);
        assertThat(held.get(10, TimeUnit.SECONDS).valueAsUtf8()).contains("held");
    }

    @Test
    @DisplayName("two writers paused at one barrier have both read before either writes: exactly one conflict")
    void pausedWritersRace() throws Exception {
        store.commit(store.read("plan"), bytes("v1"));
        CyclicBarrier bothRead = new CyclicBarrier(2);
        List<Future<Snapshot>> writers = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            writers.add(threads.submit(() -> {
                storage.pauseBeforeNextCompareAndSet(Thread.currentThread(), bothRead);
                return store.commit(store.read("plan"), bytes(name));
            }));
        }

        int conflicts = 0;
        for (Future<Snapshot> writer : writers) {
            try {
                assertThat(writer.get(30, TimeUnit.SECONDS).version()).isEqualTo(2);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(VersionConflictException.class);
                conflicts++;
            }
        }
        assertThat(conflicts).isEqualTo(1);
        assertThat(store.read("plan").version()).isEqualTo(2);
    }

    private static void awaitWaiting(CyclicBarrier barrier, int parties) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (barrier.getNumberWaiting() < parties) {
            assertThat(System.nanoTime()).as("a thread reaches the barrier").isLessThan(deadline);
            Thread.sleep(1); // CyclicBarrier offers nothing to wait on for "someone is waiting"
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
