package dev.fencedstate.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fencedstate.Claim;
import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.InvalidKeyException;
import dev.fencedstate.Keys;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.Snapshot;
import dev.fencedstate.ValueTooLargeException;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StoredRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every backend passes, unchanged. A backend's test extends this class and implements
 * {@link #createStorage(ManualClock)}; nothing else:
 *
 * <pre>{@code
 * class MyStorageContractTest extends StorageContract {
 *     protected StateStorage createStorage(ManualClock clock) {
 *         return new MyStorage(..., clock);
 *     }
 * }
 * }</pre>
 *
 * Races use real threads released together by a barrier and assert exact totals; lease expiry moves a
 * {@link ManualClock} instead of sleeping.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class StorageContract {

    protected static final Duration LEASE = Duration.ofSeconds(30);

    protected ManualClock clock;
    protected StateStorage storage;

    /**
     * Returns a new, empty storage whose lease time follows {@code clock}: the storage's time must read
     * {@link ManualClock#instant()} (give or take a second) and move forward exactly as far as
     * {@link ManualClock#elapsed()}. A backend with a clock of its own, such as a database, adds the difference between
     * {@code clock.instant()} and its own time, taken once at creation, plus {@code clock.elapsed()}. Called once per
     * test.
     */
    protected abstract StateStorage createStorage(ManualClock clock) throws Exception;

    /** Threads used by the race tests; lower it for a backend with a small connection pool. */
    protected int raceThreads() {
        return 8;
    }

    /**
     * Random behaviours of the protocol model run against this backend by the conformance test (3 writers, 2 keys,
     * every operation, stalls, clock moves, operations interleaved between another's read and its compare-and-set).
     */
    protected int conformanceBehaviours() {
        return 150;
    }

    /** Commits per thread in the counter fuzz test. */
    protected int fuzzCommitsPerThread() {
        return 40;
    }

    @BeforeEach
    void openStorage() throws Exception {
        clock = ManualClock.create();
        storage = createStorage(clock);
    }

    @AfterEach
    void closeStorage() {
        if (storage != null) {
            storage.close();
        }
    }

    /** A store on the shared storage with its own writer id, no retry sleeps longer than a millisecond. */
    protected FencedStore store(String writerId) {
        return FencedStore.builder(storage).writerId(writerId).defaultLease(LEASE)
                .retryPolicy(new RetryPolicy(50, Duration.ofNanos(10_000), 2.0, Duration.ofMillis(1), 1.0))
                .build();
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    protected static String text(Snapshot snapshot) {
        return snapshot.valueAsUtf8().orElseThrow();
    }

    private static long counter(Snapshot snapshot) {
        return snapshot.exists() ? Long.parseLong(text(snapshot)) : 0;
    }

    private static byte[] incremented(Snapshot snapshot) {
        return bytes(Long.toString(counter(snapshot) + 1));
    }

    /** Runs {@code tasks} on their own threads, released at the same instant, and returns their results in order. */
    protected static <T> List<Outcome<T>> race(List<Callable<T>> tasks) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CyclicBarrier start = new CyclicBarrier(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return task.call();
                }));
            }
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    outcomes.add(new Outcome<>(future.get(60, TimeUnit.SECONDS), null));
                } catch (java.util.concurrent.ExecutionException e) {
                    outcomes.add(new Outcome<>(null, e.getCause()));
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("a racing task did not finish within 60 s", e);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitQuietly(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("racing threads did not meet at the barrier", e);
        }
    }

    private static AtomicLong counterOf(Map<String, AtomicLong> counters, String key) {
        return Objects.requireNonNull(counters.get(key), () -> "no counter for " + key);
    }

    /** What one racing task returned or threw. */
    protected record Outcome<T>(@Nullable T value, @Nullable Throwable failure) {
        boolean succeeded() {
            return failure == null;
        }
    }

    @Nested
    @DisplayName("conformance to the TLA+ model")
    class Conformance {

        @Test
        @DisplayName("every step of random behaviours has an outcome the protocol model allows")
        void behavesLikeTheModel() {
            long seed = 20_301;
            var report = dev.fencedstate.testkit.conformance.ProtocolConformance.check(storage, clock, seed,
                    conformanceBehaviours());
            // Not vacuous: the behaviours reached zombies, reclamations, races and interleavings on this backend.
            for (String outcome : List.of("COMMITTED", "CONFLICT", "FENCED", "CLAIM_HELD", "RECLAIMED", "REVOKED")) {
                assertThat(report.count(outcome)).as("operations that ended %s", outcome).isPositive();
            }
            assertThat(report.interleavedOperations()).isPositive();
        }
    }

    @Nested
    @DisplayName("reads")
    class Reads {

        @Test
        @DisplayName("a key never written reads as version 0, epoch 0, no value")
        void absentKeyReadsAsInitialVersion() {
            Snapshot snapshot = store("w").read("never-written");
            assertThat(snapshot.exists()).isFalse();
            assertThat(snapshot.value()).isEmpty();
            assertThat(snapshot.version()).isEqualTo(Snapshot.INITIAL_VERSION);
            assertThat(snapshot.epoch()).isZero();
            assertThat(snapshot.holder()).isEmpty();
        }

        @Test
        @DisplayName("a commit is read back with its version, writer, time and commit id")
        void commitIsReadBack() {
            FencedStore store = store("writer-1");
            Snapshot committed = store.commit(store.read("plan"), bytes("step 1"));
            Snapshot read = store.read("plan");
            assertThat(text(read)).isEqualTo("step 1");
            assertThat(read.version()).isEqualTo(1);
            assertThat(read.epoch()).isZero();
            assertThat(read.lastWriter()).contains("writer-1");
            assertThat(read.lastCommitAt()).isPresent();
            assertThat(read.commitId()).isPresent().isEqualTo(committed.commitId());
            assertThat(read).isEqualTo(committed);
        }

        @Test
        @DisplayName("a commit's time is the backend's time at the write, not when its snapshot was read")
        void commitTimeIsTheWriteTime() {
            FencedStore store = store("w");
            Snapshot base = store.read("plan");
            clock.advance(Duration.ofHours(1)); // the caller thinks for an hour before committing
            Instant before = storage.read("plan").now();
            Snapshot committed = store.commit(base, bytes("v1"));
            Instant after = storage.read("plan").now();

            assertThat(committed.lastCommitAt()).hasValueSatisfying(at -> assertThat(at).isBetween(before, after));
            assertThat(store.read("plan").lastCommitAt()).isEqualTo(committed.lastCommitAt());
        }

        @Test
        @DisplayName("compareAndSet stamps a record that awaits its commit time, and stores any other as given")
        void compareAndSetStampsCommitTime() {
            StoredRecord awaiting = new StoredRecord("k", 1, 1, 0, bytes("v1"), null, null, "w", null, "c1");
            Instant before = storage.read("k").now();
            StoredRecord stamped = storage.compareAndSet(null, awaiting);
            Instant after = storage.read("k").now();

            assertThat(stamped).isNotNull();
            Instant stampedAt = Objects.requireNonNull(stamped.lastCommitAt(), "the backend stamps the commit time");
            assertThat(stampedAt).isBetween(before, after);
            assertThat(stamped).isEqualTo(awaiting.withCommitTime(stampedAt));
            assertThat(storage.read("k").record()).isEqualTo(stamped);

            Instant given = Instant.parse("2001-02-03T04:05:06.123456789Z");
            StoredRecord asGiven = new StoredRecord("k", 2, 2, 0, bytes("v2"), null, null, "w", given, "c2");
            assertThat(storage.compareAndSet(stamped, asGiven)).isEqualTo(asGiven);
            assertThat(storage.read("k").record()).isEqualTo(asGiven);
        }

        @Test
        @DisplayName("keys() lists every written key, sorted")
        void keysAreListedSorted() {
            FencedStore store = store("w");
            for (String key : List.of("b", "a/2", "a/1", "C")) {
                store.commit(store.read(key), bytes(key));
            }
            assertThat(store.keys()).containsExactly("C", "a/1", "a/2", "b");
        }
    }

    @Nested
    @DisplayName("optimistic commits")
    class OptimisticCommits {

        @Test
        @DisplayName("a commit based on a stale version is a retryable conflict and writes nothing")
        void staleCommitConflicts() {
            FencedStore alice = store("alice");
            FencedStore bob = store("bob");
            Snapshot base = alice.read("doc");
            bob.commit(bob.read("doc"), bytes("bob"));

            VersionConflictException conflict = catchThrowableOfType(VersionConflictException.class,
                    () -> alice.commit(base, bytes("alice")));
            assertThat(conflict.key()).isEqualTo("doc");
            assertThat(conflict.expectedVersion()).isZero();
            assertThat(conflict.actualVersion()).isEqualTo(1);
            assertThat(conflict.isRetryable()).isTrue();
            assertThat(conflict).isInstanceOf(FencedStateException.class);
            assertThat(text(alice.read("doc"))).isEqualTo("bob");
        }

        @Test
        @DisplayName("writers racing from the same snapshot: exactly one wins, every other gets a conflict")
        void exactlyOneWinner() throws Exception {
            FencedStore setup = store("setup");
            Snapshot base = setup.commit(setup.read("shared"), bytes("base"));
            List<Callable<Snapshot>> writers = new ArrayList<>();
            for (int i = 0; i < raceThreads(); i++) {
                FencedStore writer = store("writer-" + i);
                String mine = "result-" + i;
                writers.add(() -> writer.commit(base, bytes(mine)));
            }

            List<Outcome<Snapshot>> outcomes = race(writers);

            List<Snapshot> winners = outcomes.stream().filter(Outcome::succeeded).map(Outcome::value).toList();
            assertThat(winners).hasSize(1);
            assertThat(outcomes.stream().filter(o -> !o.succeeded()).map(Outcome::failure))
                    .hasSize(raceThreads() - 1)
                    .allSatisfy(failure -> assertThat(failure).isInstanceOf(VersionConflictException.class));
            Snapshot after = setup.read("shared");
            assertThat(after.version()).isEqualTo(2);
            assertThat(after).isEqualTo(winners.get(0));
        }

        @Test
        @DisplayName("concurrent counters: the final values equal the acknowledged commits, exactly")
        void counterFuzzHasExactTotals() throws Exception {
            List<String> keys = List.of("counter-a", "counter-b", "counter-c");
            CyclicBarrier firstRound = new CyclicBarrier(raceThreads());
            Map<String, AtomicLong> acknowledged = new LinkedHashMap<>();
            keys.forEach(key -> acknowledged.put(key, new AtomicLong()));
            AtomicInteger conflicts = new AtomicInteger();
            List<Callable<Void>> writers = new ArrayList<>();
            for (int t = 0; t < raceThreads(); t++) {
                FencedStore writer = FencedStore.builder(storage).writerId("w" + t)
                        .retryPolicy(new RetryPolicy(1000, Duration.ofNanos(1000), 2.0, Duration.ofMillis(1), 1.0))
                        .listener(new FencedStoreListener() {
                            @Override
                            public void onRetry(String key, int attempt, Duration backoff, VersionConflictException c) {
                                conflicts.incrementAndGet();
                            }
                        }).build();
                Random random = new Random(t);
                writers.add(() -> {
                    // First round: every thread reads the same version, then all commit together, so the race
                    // certainly produces conflicts however fast the backend is. Retries do not wait again.
                    boolean[] firstAttempt = {true};
                    writer.update(keys.get(0), snapshot -> {
                        if (firstAttempt[0]) {
                            firstAttempt[0] = false;
                            awaitQuietly(firstRound);
                        }
                        return incremented(snapshot);
                    });
                    counterOf(acknowledged, keys.get(0)).incrementAndGet();
                    for (int i = 1; i < fuzzCommitsPerThread(); i++) {
                        String key = keys.get(random.nextInt(keys.size()));
                        writer.update(key, StorageContract::incremented);
                        counterOf(acknowledged, key).incrementAndGet();
                    }
                    return null;
                });
            }

            List<Outcome<Void>> outcomes = race(writers);

            assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
            FencedStore reader = store("reader");
            long total = 0;
            for (String key : keys) {
                Snapshot snapshot = reader.read(key);
                assertThat(counter(snapshot)).as("value of %s", key).isEqualTo(counterOf(acknowledged, key).get());
                assertThat(snapshot.version()).as("version of %s", key)
                        .isEqualTo(counterOf(acknowledged, key).get());
                total += counter(snapshot);
            }
            assertThat(total).isEqualTo((long) raceThreads() * fuzzCommitsPerThread());
            assertThat(conflicts.get()).as("the race produced conflicts").isPositive();
        }

        @Test
        @DisplayName("update retries a conflict from a fresh read, calling the function again")
        void updateRetriesConflicts() {
            FencedStore intruder = store("intruder");
            List<Duration> waits = new CopyOnWriteArrayList<>();
            FencedStore store = FencedStore.builder(storage).writerId("w").sleeper(waits::add).build();
            AtomicInteger calls = new AtomicInteger();

            Snapshot result = store.update("doc", snapshot -> {
                if (calls.incrementAndGet() == 1) {
                    intruder.commit(intruder.read("doc"), bytes("intruder"));
                }
                return bytes(snapshot.valueAsUtf8().orElse("") + "+mine");
            });

            assertThat(calls).hasValue(2);
            assertThat(waits).hasSize(1);
            assertThat(text(result)).isEqualTo("intruder+mine");
            assertThat(result.version()).isEqualTo(2);
        }

        @Test
        @DisplayName("update gives up after the policy's attempts with the last conflict")
        void updateGivesUp() {
            FencedStore intruder = store("intruder");
            List<Duration> waits = new CopyOnWriteArrayList<>();
            FencedStore store = FencedStore.builder(storage).writerId("w").sleeper(waits::add)
                    .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(3)).build();
            AtomicInteger calls = new AtomicInteger();

            assertThatThrownBy(() -> store.update("doc", snapshot -> {
                calls.incrementAndGet();
                intruder.commit(intruder.read("doc"), bytes("intruder"));
                return bytes("mine");
            })).isInstanceOfSatisfying(RetriesExhaustedException.class, exhausted -> {
                assertThat(exhausted.attempts()).isEqualTo(3);
                assertThat(exhausted.lastConflict()).get().isInstanceOf(VersionConflictException.class);
                assertThat(exhausted.isRetryable()).isTrue();
            });

            assertThat(calls).hasValue(3);
            assertThat(waits).hasSize(2);
            assertThat(text(store.read("doc"))).isEqualTo("intruder");
        }

        @Test
        @DisplayName("a caller reusing its buffer after a commit does not change what was committed")
        void committedValueIsIsolatedFromCaller() {
            FencedStore store = store("w");
            byte[] buffer = bytes("original");
            store.commit(store.read("doc"), buffer);
            buffer[0] = 'X';
            Snapshot read = store.read("doc");
            assertThat(text(read)).isEqualTo("original");
            read.value().orElseThrow()[0] = 'Y';
            assertThat(text(store.read("doc"))).isEqualTo("original");
        }
    }

    @Nested
    @DisplayName("claims")
    class Claims {

        @Test
        @DisplayName("a claim bumps the epoch and records holder and lease deadline from the backend's clock")
        void claimIsGranted() {
            FencedStore store = store("holder");
            Claim claim = store.claim("plan", Duration.ofSeconds(10));
            assertThat(claim.epoch()).isEqualTo(1);
            assertThat(claim.holder()).isEqualTo("holder");
            assertThat(claim.reclaimed()).isFalse();
            Snapshot read = store.read("plan");
            assertThat(read.epoch()).isEqualTo(1);
            assertThat(read.version()).isZero();
            assertThat(read.holder()).contains("holder");
            assertThat(read.leaseDeadline()).contains(claim.leaseDeadline());
            assertThat(Duration.between(clock.instant(), claim.leaseDeadline()))
                    .isBetween(Duration.ofSeconds(9), Duration.ofSeconds(11));
        }

        @Test
        @DisplayName("while a claim is live, other claims and optimistic commits get ClaimHeld and write nothing")
        void liveClaimIsExclusive() {
            FencedStore holder = store("holder");
            FencedStore other = store("other");
            Snapshot base = other.read("plan");
            Claim claim = holder.claim("plan");

            ClaimHeldException held = catchThrowableOfType(ClaimHeldException.class, () -> other.claim("plan"));
            assertThat(held.holder()).isEqualTo("holder");
            assertThat(held.leaseDeadline()).isEqualTo(claim.leaseDeadline());
            assertThat(held.isRetryable()).isTrue();
            assertThatThrownBy(() -> other.commit(base, bytes("sneaky"))).isInstanceOf(ClaimHeldException.class);
            assertThatThrownBy(() -> other.delete(base)).isInstanceOf(ClaimHeldException.class);
            Snapshot after = other.read("plan");
            assertThat(after.exists()).isFalse();
            assertThat(after.epoch()).isEqualTo(1);
        }

        @Test
        @DisplayName("writers racing to claim one key: exactly one claim is granted")
        void exactlyOneClaim() throws Exception {
            List<Callable<Claim>> claimers = new ArrayList<>();
            for (int i = 0; i < raceThreads(); i++) {
                FencedStore claimer = store("claimer-" + i);
                claimers.add(() -> claimer.claim("plan"));
            }

            List<Outcome<Claim>> outcomes = race(claimers);

            assertThat(outcomes.stream().filter(Outcome::succeeded)).hasSize(1);
            assertThat(outcomes.stream().filter(o -> !o.succeeded()).map(Outcome::failure))
                    .allSatisfy(failure -> assertThat(failure).isInstanceOf(ClaimHeldException.class));
            assertThat(store("reader").read("plan").epoch()).isEqualTo(1);
        }

        @Test
        @DisplayName("writers racing to claim a key that has history: exactly one claim is granted")
        void exactlyOneClaimOnAnExistingKey() throws Exception {
            FencedStore setup = store("setup");
            setup.commit(setup.read("plan"), bytes("v1"));
            setup.release(setup.claim("plan", Duration.ofSeconds(5)));
            Claim expired = setup.claim("plan", Duration.ofSeconds(5));
            clock.advance(Duration.ofSeconds(10));
            List<Callable<Claim>> claimers = new ArrayList<>();
            for (int i = 0; i < raceThreads(); i++) {
                FencedStore claimer = store("claimer-" + i);
                claimers.add(() -> claimer.claim("plan"));
            }

            List<Outcome<Claim>> outcomes = race(claimers);

            List<Claim> granted = outcomes.stream().filter(Outcome::succeeded).map(Outcome::value).toList();
            assertThat(granted).hasSize(1);
            assertThat(granted.get(0).reclaimed()).isTrue();
            assertThat(granted.get(0).epoch()).isEqualTo(expired.epoch() + 1);
        }

        @Test
        @DisplayName("the backend's compare-and-set compares the whole record: a renewed lease is a change")
        void compareAndSetSeesLeaseOnlyChanges() {
            FencedStore holder = store("holder");
            Claim claim = holder.claim("plan", Duration.ofSeconds(10));
            StoredRecord before = Objects.requireNonNull(storage.read("plan").record(), "the claim wrote a record");
            clock.advance(Duration.ofSeconds(1));
            holder.renew(claim, Duration.ofSeconds(10));
            StoredRecord renewed = Objects.requireNonNull(storage.read("plan").record(), "the renewal kept it");
            assertThat(renewed.version()).isEqualTo(before.version());
            assertThat(renewed.epoch()).isEqualTo(before.epoch());

            // A writer that decided on the record before the renewal must lose, though version and epoch match:
            // here a revoke, computed from that record.
            StoredRecord stale = before.grantEnded();
            assertThat(storage.compareAndSet(before, stale)).isNull();
            assertThat(storage.read("plan").record()).isEqualTo(renewed);
            assertThat(storage.compareAndSet(null, stale)).as("insert-if-absent on an existing key").isNull();
        }

        @Test
        @DisplayName("a holder commits under its claim; the epoch stays, the version moves")
        void commitUnderClaim() {
            FencedStore store = store("holder");
            Claim claim = store.claim("plan");
            Snapshot first = store.commit(claim, claim.snapshot(), bytes("v1"));
            Snapshot second = store.commit(claim, first, bytes("v2"));
            assertThat(second.version()).isEqualTo(2);
            assertThat(second.epoch()).isEqualTo(claim.epoch());
            assertThat(text(store.read("plan"))).isEqualTo("v2");
            assertThatThrownBy(() -> store.commit(claim, first, bytes("stale")))
                    .isInstanceOf(VersionConflictException.class);
        }

        @Test
        @DisplayName("renewing moves the deadline, so the claim outlives its first lease")
        void renewExtendsLease() {
            FencedStore holder = store("holder");
            Claim claim = holder.claim("plan", Duration.ofSeconds(10));
            clock.advance(Duration.ofSeconds(8));
            Claim renewed = holder.renew(claim, Duration.ofSeconds(10));
            assertThat(renewed.epoch()).isEqualTo(claim.epoch());
            assertThat(renewed.leaseDeadline()).isAfter(claim.leaseDeadline());
            clock.advance(Duration.ofSeconds(8));
            assertThatThrownBy(() -> store("other").claim("plan")).isInstanceOf(ClaimHeldException.class);
            assertThat(holder.commit(renewed, renewed.snapshot(), bytes("still mine")).version()).isEqualTo(1);
        }

        @Test
        @DisplayName("after release the key is free, the epoch moved, and the released claim is fenced")
        void releaseEndsTheGrant() {
            FencedStore holder = store("holder");
            Claim claim = holder.claim("plan");
            assertThat(holder.release(claim)).isTrue();
            Snapshot after = holder.read("plan");
            assertThat(after.epoch()).isEqualTo(claim.epoch() + 1);
            assertThat(after.holder()).isEmpty();
            assertThat(holder.release(claim)).as("releasing twice").isFalse();
            assertThatThrownBy(() -> holder.commit(claim, after, bytes("late")))
                    .isInstanceOf(FencedWriteException.class);
            Claim next = store("other").claim("plan");
            assertThat(next.epoch()).isEqualTo(claim.epoch() + 2);
            assertThat(next.reclaimed()).isFalse();
        }

        @Test
        @DisplayName("an expired claim is reclaimed: the epoch moves and the reclamation is reported")
        void expiredClaimIsReclaimed() {
            Claim first = store("first").claim("plan", Duration.ofSeconds(5));
            clock.advance(Duration.ofSeconds(5));
            Claim second = store("second").claim("plan", Duration.ofSeconds(5));
            assertThat(second.reclaimed()).isTrue();
            assertThat(second.epoch()).isEqualTo(first.epoch() + 1);
            assertThat(store("reader").read("plan").holder()).contains("second");
        }

        @Test
        @DisplayName("after a lease expires unreclaimed, an optimistic commit may land; the holder then conflicts")
        void expiredLeaseAdmitsOptimisticWriters() {
            FencedStore holder = store("holder");
            Claim claim = holder.claim("plan", Duration.ofSeconds(5));
            clock.advance(Duration.ofSeconds(6));
            FencedStore other = store("other");
            other.commit(other.read("plan"), bytes("other"));
            assertThatThrownBy(() -> holder.commit(claim, claim.snapshot(), bytes("holder")))
                    .isInstanceOf(VersionConflictException.class);
        }

        @Test
        @DisplayName("renewing a reclaimed claim is fenced")
        void renewAfterReclaimIsFenced() {
            FencedStore holder = store("holder");
            Claim claim = holder.claim("plan", Duration.ofSeconds(5));
            clock.advance(Duration.ofSeconds(6));
            store("other").claim("plan");
            assertThatThrownBy(() -> holder.renew(claim)).isInstanceOf(FencedWriteException.class);
            assertThat(holder.release(claim)).isFalse();
        }
    }

    @Nested
    @DisplayName("zombie writers")
    class Zombies {

        @Test
        @DisplayName("a writer whose expired claim was reclaimed is fenced though the version never moved")
        void reclaimedWriterIsFenced() {
            FencedStore zombie = store("zombie");
            Claim stale = zombie.claim("plan", Duration.ofSeconds(5));
            Snapshot base = zombie.read("plan");

            clock.advance(Duration.ofSeconds(60)); // the zombie stalls past its lease
            FencedStore successor = store("successor");
            Claim fresh = successor.claim("plan");
            assertThat(successor.read("plan").version()).as("nobody wrote: the version did not move")
                    .isEqualTo(base.version());

            FencedWriteException fenced = catchThrowableOfType(FencedWriteException.class,
                    () -> zombie.commit(stale, base, bytes("stale result")));
            assertThat(fenced.claimEpoch()).isEqualTo(stale.epoch());
            assertThat(fenced.currentEpoch()).isEqualTo(fresh.epoch());
            assertThat(fenced.isRetryable()).isFalse();
            assertThat(successor.read("plan").exists()).isFalse();

            successor.commit(fresh, successor.read("plan"), bytes("fresh result"));
            assertThat(text(successor.read("plan"))).isEqualTo("fresh result");
        }

        @Test
        @DisplayName("revoke by recovery fences a live claim at once, and a zombie delete is fenced too")
        void revokeFencesLiveClaim() {
            FencedStore zombie = store("zombie");
            zombie.commit(zombie.read("plan"), bytes("v1"));
            Claim stale = zombie.claim("plan");
            Snapshot base = zombie.read("plan");

            FencedStore recovery = store("recovery");
            assertThat(recovery.revoke("plan")).isTrue();
            assertThat(recovery.revoke("plan")).as("nothing left to revoke").isFalse();
            Snapshot revoked = recovery.read("plan");
            assertThat(revoked.epoch()).isEqualTo(stale.epoch() + 1);
            assertThat(revoked.holder()).isEmpty();
            assertThat(revoked.version()).isEqualTo(base.version());

            assertThatThrownBy(() -> zombie.commit(stale, base, bytes("stale"))).isInstanceOf(FencedWriteException.class);
            assertThatThrownBy(() -> zombie.delete(stale, base)).isInstanceOf(FencedWriteException.class);
            assertThatThrownBy(() -> zombie.renew(stale)).isInstanceOf(FencedWriteException.class);
            assertThat(text(recovery.read("plan"))).isEqualTo("v1");
        }

        @Test
        @DisplayName("update under a fenced claim fails at once: never retried, the function never runs")
        void fencedUpdateIsNeverRetried() {
            List<Duration> waits = new CopyOnWriteArrayList<>();
            FencedStore zombie = FencedStore.builder(storage).writerId("zombie").sleeper(waits::add).build();
            Claim stale = zombie.claim("plan");
            store("recovery").revoke("plan");
            AtomicInteger calls = new AtomicInteger();

            assertThatThrownBy(() -> zombie.update(stale, snapshot -> {
                calls.incrementAndGet();
                return bytes("stale");
            })).isInstanceOf(FencedWriteException.class);

            assertThat(calls).hasValue(0);
            assertThat(waits).isEmpty();
        }

        @Test
        @DisplayName("update under a live claim commits and keeps the claim")
        void updateUnderClaim() {
            FencedStore holder = store("holder");
            Claim claim = holder.claim("counter");
            holder.update(claim, StorageContract::incremented);
            Snapshot after = holder.update(claim, StorageContract::incremented);
            assertThat(counter(after)).isEqualTo(2);
            assertThat(after.holder()).contains("holder");
            assertThat(after.epoch()).isEqualTo(claim.epoch());
        }
    }

    @Nested
    @DisplayName("deletes")
    class Deletes {

        @Test
        @DisplayName("a delete leaves no value but keeps version and epoch moving forward")
        void deleteIsATombstone() {
            FencedStore store = store("w");
            store.claim("doc");
            store.revoke("doc");
            Snapshot written = store.commit(store.read("doc"), bytes("v1"));
            Snapshot deleted = store.delete(written);
            assertThat(deleted.exists()).isFalse();
            assertThat(deleted.version()).isEqualTo(written.version() + 1);
            assertThat(deleted.epoch()).isEqualTo(written.epoch());
            Snapshot read = store.read("doc");
            assertThat(read.exists()).isFalse();
            assertThat(read.version()).isEqualTo(deleted.version());
            assertThat(store.keys()).contains("doc");

            assertThatThrownBy(() -> store.commit(written, bytes("resurrected")))
                    .as("a stale writer cannot resurrect a deleted key").isInstanceOf(VersionConflictException.class);
            assertThatThrownBy(() -> store.delete(written)).isInstanceOf(VersionConflictException.class);
            Snapshot recreated = store.commit(read, bytes("v2"));
            assertThat(recreated.version()).isEqualTo(deleted.version() + 1);
        }

        @Test
        @DisplayName("a delete under a claim is fenced once the claim is reclaimed")
        void deleteUnderClaim() {
            FencedStore holder = store("holder");
            Claim claim = holder.claim("doc", Duration.ofSeconds(5));
            Snapshot written = holder.commit(claim, claim.snapshot(), bytes("v1"));
            clock.advance(Duration.ofSeconds(6));
            store("other").claim("doc");
            assertThatThrownBy(() -> holder.delete(claim, written)).isInstanceOf(FencedWriteException.class);
            assertThat(text(holder.read("doc"))).isEqualTo("v1");
        }
    }

    @Nested
    @DisplayName("keys")
    class KeyRules {

        @Test
        @DisplayName("keys that look like paths or differ only in case are stored, kept apart and read back")
        void hostileButValidKeysStayDistinct() {
            List<String> keys = List.of("../escape", "../../etc/passwd", "/etc/passwd", "a\\b", "..", ".", "CON",
                    "nul", "Plan", "plan", "PLAN", "%41", "A", "a", "a/b/c", "a%2fb", "ümlaut", "emoji-\uD83D\uDE80",
                    "spaces and\ttabs".replace('\t', ' '), "~hashed-looking", "dot.ted", "x".repeat(Keys.MAX_KEY_BYTES));
            FencedStore store = store("w");
            for (String key : keys) {
                store.commit(store.read(key), bytes("value of " + key));
            }
            for (String key : keys) {
                Snapshot read = store.read(key);
                assertThat(read.version()).as("version of %s", key).isEqualTo(1);
                assertThat(text(read)).as("value of %s", key).isEqualTo("value of " + key);
            }
            assertThat(store.keys()).containsExactlyInAnyOrderElementsOf(keys);
        }

        @Test
        @DisplayName("invalid keys get InvalidKeyException from every operation, and nothing is created")
        void invalidKeysAreRefused() {
            List<String> invalid = List.of("", "nul\u0000byte", "line\nbreak", "\u001b[31mred", "del\u007f",
                    "c1\u0085", "x".repeat(Keys.MAX_KEY_BYTES + 1), "é".repeat(Keys.MAX_KEY_BYTES / 2 + 1),
                    "unpaired\uD800", "\uDC00reversed");
            FencedStore store = store("w");
            for (String key : invalid) {
                assertThatThrownBy(() -> store.read(key)).as("read %s", Keys.printable(key))
                        .isInstanceOf(InvalidKeyException.class);
                assertThatThrownBy(() -> store.update(key, s -> bytes("x"))).isInstanceOf(InvalidKeyException.class);
                assertThatThrownBy(() -> store.claim(key)).isInstanceOf(InvalidKeyException.class);
                assertThatThrownBy(() -> store.revoke(key)).isInstanceOf(InvalidKeyException.class);
            }
            assertThat(store.keys()).isEmpty();
        }
    }

    @Nested
    @DisplayName("values")
    class Values {

        @Test
        @DisplayName("large values round-trip byte for byte")
        void largeValueRoundTrips() {
            byte[] large = new byte[4 * 1024 * 1024 + 7];
            new Random(42).nextBytes(large);
            FencedStore store = store("w");
            store.commit(store.read("blob"), large);
            assertThat(store.read("blob").value()).hasValueSatisfying(v -> assertThat(v).isEqualTo(large));
        }

        @Test
        @DisplayName("an empty value exists and is distinct from a deleted key")
        void emptyValueExists() {
            FencedStore store = store("w");
            store.commit(store.read("empty"), new byte[0]);
            Snapshot read = store.read("empty");
            assertThat(read.exists()).isTrue();
            assertThat(read.valueSize()).isZero();
        }

        @Test
        @DisplayName("a value over the limit is refused with ValueTooLarge and nothing is written")
        void oversizeValueIsRefused() {
            FencedStore store = FencedStore.builder(storage).writerId("w").maxValueBytes(1024).build();
            store.commit(store.read("doc"), new byte[1024]);
            ValueTooLargeException tooLarge = catchThrowableOfType(ValueTooLargeException.class,
                    () -> store.commit(store.read("doc"), new byte[1025]));
            assertThat(tooLarge.size()).isEqualTo(1025);
            assertThat(tooLarge.limit()).isEqualTo(1024);
            assertThat(store.read("doc").version()).isEqualTo(1);
        }
    }
}
