package dev.fencedstate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.FencedStoreListener.ClaimEvent;
import dev.fencedstate.FencedStoreListener.CommitOutcome;
import dev.fencedstate.memory.InMemoryStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The listener sees every outcome, which is what the Spring starter's metrics are built on. */
class FencedStoreListenerTest {

    private final List<String> events = new ArrayList<>();
    private final FencedStoreListener recorder = new FencedStoreListener() {
        @Override
        public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
            events.add("commit " + key + " " + outcome);
        }

        @Override
        public void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException conflict) {
            events.add("retry " + key + " " + failedAttempt);
        }

        @Override
        public void onClaim(String key, ClaimEvent event) {
            events.add("claim " + key + " " + event);
        }

        @Override
        public void onLease(Claim claim, Duration lease) {
            events.add("lease " + claim.key() + " epoch " + claim.epoch() + " for " + lease + " until "
                    + claim.leaseDeadline());
        }
    };

    @Test
    void reportsEveryOutcome() {
        MovableClock clock = new MovableClock();
        InMemoryStorage storage = new InMemoryStorage(clock);
        FencedStore store = FencedStore.builder(storage).writerId("me").listener(recorder).sleeper(d -> { }).build();
        FencedStore other = FencedStore.builder(storage).writerId("other").build();

        Snapshot base = store.read("k");
        store.commit(base, "1".getBytes(UTF_8));
        assertThatThrownBy(() -> store.commit(base, "2".getBytes(UTF_8))).isInstanceOf(VersionConflictException.class);
        Claim claim = store.claim("k", Duration.ofSeconds(1));
        assertThatThrownBy(() -> store.claim("k")).isInstanceOf(ClaimHeldException.class);
        store.renew(claim, Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(2));
        other.claim("k");
        assertThatThrownBy(() -> store.commit(claim, store.read("k"), "3".getBytes(UTF_8)))
                .isInstanceOf(FencedWriteException.class);
        assertThatThrownBy(() -> store.commit(store.read("k"), "4".getBytes(UTF_8)))
                .isInstanceOf(ClaimHeldException.class);
        store.revoke("k");
        Claim mine = store.claim("k");
        store.release(mine);
        int[] calls = {0};
        store.update("k", s -> {
            if (calls[0]++ == 0) {
                other.commit(other.read("k"), "x".getBytes(UTF_8));
            }
            return "5".getBytes(UTF_8);
        });

        assertThat(events).containsExactly(
                "commit k COMMITTED",
                "commit k CONFLICT",
                "claim k GRANTED",
                "lease k epoch 1 for PT1S until 2030-01-01T00:00:01Z",
                "claim k HELD",
                "claim k RENEWED",
                "lease k epoch 1 for PT1S until 2030-01-01T00:00:01Z",
                "commit k FENCED",
                "commit k CLAIM_HELD",
                "claim k REVOKED",
                "claim k GRANTED",
                "lease k epoch 4 for PT30S until 2030-01-01T00:00:32Z",
                "claim k RELEASED",
                "commit k CONFLICT",
                "retry k 1",
                "commit k COMMITTED");
    }

    /** Enough of a movable clock for this test; the test kit has the full one. */
    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2030-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void aThrowingListenerChangesNoOutcome() {
        FencedStoreListener broken = new FencedStoreListener() {
            @Override
            public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
                throw new IllegalStateException("broken metrics");
            }

            @Override
            public void onClaim(String key, ClaimEvent event) {
                throw new IllegalStateException("broken metrics");
            }
        };
        FencedStore store = FencedStore.builder(new InMemoryStorage(new MovableClock())).listener(broken).build();

        Snapshot committed = store.commit(store.read("k"), "1".getBytes(UTF_8));
        Claim claim = store.claim("k");
        assertThat(committed.version()).isEqualTo(1);
        assertThat(claim.epoch()).isEqualTo(1);
        assertThatThrownBy(() -> store.commit(store.read("k"), "2".getBytes(UTF_8)))
                .as("the real outcome, not the listener's exception").isInstanceOf(ClaimHeldException.class);
    }
}
