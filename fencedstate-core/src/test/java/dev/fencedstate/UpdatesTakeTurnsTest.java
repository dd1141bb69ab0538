package dev.fencedstate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.FencedStoreListener.UpdateOutcome;
import dev.fencedstate.memory.InMemoryStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Updates of one key from one store take turns, so in one process they never conflict: real threads on one hot key,
 * exact totals, and no conflict at all; with turns switched off the same run conflicts (so the test can fail).
 */
@DisplayName("Updates of one key in one process take turns")
class UpdatesTakeTurnsTest {

    private static final int THREADS = 16;
    private static final int UPDATES_PER_THREAD = 200;

    @Test
    @DisplayName("16 threads on one key: exact total, no conflict, one attempt each")
    void hotKeyWithoutConflicts() throws Exception {
        Counts counts = new Counts();
        FencedStore store = FencedStore.builder(new InMemoryStorage()).listener(counts).build();
        runHotKey(store);
        assertThat(valueOf(store)).isEqualTo(THREADS * UPDATES_PER_THREAD);
        assertThat(counts.conflicts.sum()).isZero();
        assertThat(counts.committed.sum()).isEqualTo(THREADS * UPDATES_PER_THREAD);
        assertThat(counts.maxAttempts.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("without turns the same run conflicts (the guard is load-bearing)")
    void withoutTurnsTheyConflict() throws Exception {
        Counts counts = new Counts();
        FencedStore store = FencedStore.builder(new InMemoryStorage()).listener(counts).updatesTakeTurns(false)
                .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(10_000).withMaxElapsed(RetryPolicy.NO_TIME_LIMIT))
                .sleeper(wait -> Thread.yield()).build();
        runHotKey(store);
        assertThat(valueOf(store)).isEqualTo(THREADS * UPDATES_PER_THREAD);
        assertThat(counts.conflicts.sum()).isPositive();
    }

    @Test
    @DisplayName("a waiter gives up when its time budget ends, with the exhausted outcome and nothing written")
    void waiterGivesUpAtItsBudget() throws Exception {
        Counts counts = new Counts();
        FencedStore store = FencedStore.builder(new InMemoryStorage()).listener(counts)
                .retryPolicy(RetryPolicy.DEFAULT.withMaxElapsed(Duration.ofMillis(50))).build();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Snapshot> holder = pool.submit(() -> store.update("k", snapshot -> {
                holding.countDown();
                await(release);
                return "holder".getBytes(UTF_8);
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            AtomicInteger computed = new AtomicInteger();
            assertThatThrownBy(() -> store.update("k", snapshot -> {
                computed.incrementAndGet();
                return "waiter".getBytes(UTF_8);
            })).isInstanceOfSatisfying(RetriesExhaustedException.class, exhausted -> {
                assertThat(exhausted.attempts()).isZero();
                assertThat(exhausted.lastConflict()).isEmpty();
                assertThat(exhausted.getMessage()).contains("waiting for its turn");
            });
            assertThat(computed).hasValue(0);
            release.countDown();
            assertThat(holder.get(10, TimeUnit.SECONDS).valueAsUtf8()).contains("holder");
            assertThat(counts.exhausted.sum()).isEqualTo(1);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("an update that lost to another process comes back ahead of first attempts that queued after it")
    void aReturningUpdateGoesAhead() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        CountDownLatch backingOff = new CountDownLatch(1);
        CountDownLatch wakeLoser = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch releaseHolder = new CountDownLatch(1);
        FencedStore store = FencedStore.builder(storage).sleeper(wait -> {
            backingOff.countDown();
            await(wakeLoser);
        }).build();
        FencedStore otherProcess = FencedStore.builder(storage).build();
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicInteger loserAttempts = new AtomicInteger();
        Thread loser = new Thread(() -> store.update("k", snapshot -> {
            if (loserAttempts.incrementAndGet() == 1) {
                otherProcess.update("k", other -> "theirs".getBytes(UTF_8)); // its first attempt loses
            } else {
                order.add("loser");
            }
            return "loser".getBytes(UTF_8);
        }), "loser");
        Thread holder = new Thread(() -> store.update("k", snapshot -> {
            holding.countDown();
            await(releaseHolder);
            order.add("holder");
            return "holder".getBytes(UTF_8);
        }), "holder");
        Thread first = fresh(store, "first", order);
        Thread second = fresh(store, "second", order);
        try {
            loser.start();
            assertThat(backingOff.await(10, TimeUnit.SECONDS)).isTrue();
            holder.start();
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            first.start();
            awaitParked(first);
            second.start();
            awaitParked(second);
            wakeLoser.countDown();
            awaitParked(loser);
            releaseHolder.countDown();
            for (Thread thread : List.of(loser, holder, first, second)) {
                thread.join(10_000);
            }
            // Without the priority the loser would queue behind "second", which arrived while it backed off.
            assertThat(order).containsExactly("holder", "first", "loser", "second");
        } finally {
            wakeLoser.countDown();
            releaseHolder.countDown();
        }
    }

    private static Thread fresh(FencedStore store, String name, List<String> order) {
        return new Thread(() -> store.update("k", snapshot -> {
            order.add(name);
            return name.getBytes(UTF_8);
        }), name);
    }

    /** Waits until {@code thread} is parked in a timed wait (for its turn: nothing else here blocks). */
    private static void awaitParked(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(thread.getState()).as(thread.getName()).isEqualTo(Thread.State.TIMED_WAITING);
    }

    @Test
    @DisplayName("turns are per key: a slow update of one key does not hold up another key")
    void turnsArePerKey() throws Exception {
        FencedStore store = FencedStore.builder(new InMemoryStorage()).build();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Snapshot> slow = pool.submit(() -> store.update("slow", snapshot -> {
                holding.countDown();
                await(release);
                return "slow".getBytes(UTF_8);
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(store.update("fast", snapshot -> "fast".getBytes(UTF_8)).version()).isEqualTo(1);
            release.countDown();
            assertThat(slow.get(10, TimeUnit.SECONDS).version()).isEqualTo(1);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private static void runHotKey(FencedStore store) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < UPDATES_PER_THREAD; i++) {
                        store.update("hot", snapshot -> {
                            int value = snapshot.valueAsUtf8().map(Integer::parseInt).orElse(0);
                            Thread.yield(); // widen the read-compute-commit window
                            return Integer.toString(value + 1).getBytes(UTF_8);
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int valueOf(FencedStore store) {
        return store.read("hot").valueAsUtf8().map(Integer::parseInt).orElse(0);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Counts implements FencedStoreListener {
        final LongAdder conflicts = new LongAdder();
        final LongAdder committed = new LongAdder();
        final LongAdder exhausted = new LongAdder();
        final AtomicInteger maxAttempts = new AtomicInteger();

        @Override
        public void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException conflict) {
            conflicts.increment();
        }

        @Override
        public void onUpdate(String key, UpdateOutcome outcome, int attempts, Duration elapsed) {
            if (outcome == UpdateOutcome.COMMITTED) {
                committed.increment();
            } else if (outcome == UpdateOutcome.EXHAUSTED) {
                exhausted.increment();
            }
            maxAttempts.accumulateAndGet(attempts, Math::max);
        }
    }
}
