package dev.fencedstate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.Snapshot;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.spi.ForwardingStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.testkit.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The meters of a store in a plain Java application: a registry, a store, and the meters as its listener. */
class FencedStateMetersTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final ManualClock clock = ManualClock.create();
    private final CountingStorage storage = new CountingStorage(new InMemoryStorage(clock));
    private final FencedStore store = FencedStore.builder(storage).name("plans")
            .listener(new FencedStateMeters(registry, "plans", clock)).sleeper(wait -> { }).build();
    /** Another process on the same storage: its own store, no meters, updates that do not take turns with ours. */
    private final FencedStore otherProcess = FencedStore.builder(storage).writerId("other").build();

    private double commits(String outcome) {
        return registry.get(FencedStateMetricNames.COMMITS).tags("store", "plans", "outcome", outcome).timer().count();
    }

    private io.micrometer.core.instrument.DistributionSummary updates(String outcome) {
        return registry.get(FencedStateMetricNames.UPDATE_ATTEMPTS).tags("store", "plans", "outcome", outcome)
                .summary();
    }

    private double liveClaims() {
        return registry.get(FencedStateMetricNames.LIVE_CLAIMS).tags("store", "plans").gauge().value();
    }

    @Test
    @DisplayName("every meter of the store is registered at zero before anything happens")
    void registeredUpFront() {
        for (String outcome : new String[] {"committed", "conflict", "fenced", "claim-held", "failed"}) {
            assertThat(commits(outcome)).isZero();
        }
        for (String outcome : new String[] {"committed", "exhausted", "fenced", "claim-held", "failed"}) {
            assertThat(updates(outcome).count()).isZero();
        }
        for (String event : new String[] {"granted", "reclaimed", "held", "renewed", "released", "revoked"}) {
            assertThat(registry.get(FencedStateMetricNames.CLAIMS).tags("store", "plans", "event", event).counter()
                    .count()).isZero();
        }
        assertThat(liveClaims()).isZero();
    }

    @Test
    @DisplayName("one meter per fact: a commit is one timer sample, an update one sample of its attempts")
    void onePerFact() {
        Snapshot base = store.read("k");
        store.commit(base, new byte[] {1});
        assertThatThrownBy(() -> store.commit(base, new byte[] {2})).isInstanceOf(VersionConflictException.class);
        AtomicInteger attempts = new AtomicInteger();
        store.update("k", snapshot -> {
            if (attempts.incrementAndGet() == 1) {
                otherProcess.update("k", other -> new byte[] {3});
            }
            return new byte[] {4};
        });
        assertThat(commits("committed")).isEqualTo(2);
        assertThat(commits("conflict")).isEqualTo(2);
        assertThat(updates("committed").count()).isEqualTo(1);
        assertThat(updates("committed").totalAmount()).isEqualTo(2);
        assertThat(registry.find(FencedStateMetricNames.COMMITS).meters()).hasSize(5);
    }

    @Test
    @DisplayName("an update that gives up is counted under outcome exhausted, with the attempts it made")
    void exhausted() {
        FencedStore limited = FencedStore.builder(storage).name("plans-limited")
                .listener(new FencedStateMeters(registry, "plans-limited", clock))
                .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(3)).sleeper(wait -> { }).build();
        assertThatThrownBy(() -> limited.update("k", snapshot -> {
            otherProcess.update("k", other -> new byte[] {9}); // lands between every read and commit
            return new byte[] {1};
        })).isInstanceOf(RetriesExhaustedException.class);
        var exhausted = registry.get(FencedStateMetricNames.UPDATE_ATTEMPTS)
                .tags("store", "plans-limited", "outcome", "exhausted").summary();
        assertThat(exhausted.count()).isEqualTo(1);
        assertThat(exhausted.totalAmount()).isEqualTo(3);
        assertThat(Arrays.stream(exhausted.takeSnapshot().histogramCounts())
                .filter(bucket -> bucket.bucket() == 3).mapToDouble(CountAtBucket::count).sum()).isEqualTo(1);
    }

    @Nested
    @DisplayName("the live-claims gauge")
    class LiveClaims {

        @Test
        @DisplayName("follows this process's leases from the store's events and reads no key when sampled")
        void noReads() {
            Claim first = store.claim("a", Duration.ofSeconds(10));
            store.claim("b", Duration.ofSeconds(20));
            int readsBefore = storage.reads.get();
            assertThat(liveClaims()).isEqualTo(2);
            clock.advance(Duration.ofSeconds(15));
            assertThat(liveClaims()).isEqualTo(1);
            store.renew(first, Duration.ofSeconds(30));
            assertThat(liveClaims()).isEqualTo(2);
            int readsOfRenew = 1;
            assertThat(storage.reads.get()).isEqualTo(readsBefore + readsOfRenew);
        }

        @Test
        @DisplayName("a claim released or revoked here stops counting at once")
        void releasedAndRevoked() {
            Claim a = store.claim("a");
            store.claim("b");
            store.release(a);
            assertThat(liveClaims()).isEqualTo(1);
            store.revoke("b");
            assertThat(liveClaims()).isZero();
        }

        @Test
        @DisplayName("is a number when the backend fails: it never reads it")
        void neverNaN() {
            Claim zombie = store.claim("a", Duration.ofSeconds(5));
            storage.failing = true;
            assertThat(liveClaims()).isEqualTo(1);
            storage.failing = false;
            clock.advance(Duration.ofSeconds(6));
            otherProcess.claim("a");
            assertThatThrownBy(() -> store.commit(zombie, zombie.snapshot(), new byte[] {1}))
                    .isInstanceOf(FencedWriteException.class);
            assertThat(liveClaims()).isZero();
        }
    }

    /** The in-memory backend, counting reads, and failing them on demand. */
    static final class CountingStorage extends ForwardingStorage {
        final AtomicInteger reads = new AtomicInteger();
        volatile boolean failing;

        CountingStorage(InMemoryStorage delegate) {
            super(delegate);
        }

        @Override
        public StorageRead read(String key) {
            reads.incrementAndGet();
            if (failing) {
                throw new dev.fencedstate.StorageFailureException(key, "backend down", true, null, null);
            }
            return super.read(key);
        }
    }
}
