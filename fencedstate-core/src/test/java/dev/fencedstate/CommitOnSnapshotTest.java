package dev.fencedstate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.spi.ForwardingStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A commit decides its first round on the record its base snapshot was made from, and saves a read. What that may and
 * may not do; the protocol itself is checked for every backend by the contract kit and the conformance run.
 */
@DisplayName("A commit decided on its base snapshot")
class CommitOnSnapshotTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    @DisplayName("costs one conditional write and no read when the key has not moved")
    void noReadWhenUnchanged() {
        CountingStorage storage = new CountingStorage(new InMemoryStorage(CLOCK));
        FencedStore store = FencedStore.builder(storage).build();
        Snapshot base = store.read("plan");
        Snapshot first = store.commit(base, bytes("v1"));
        store.commit(first, bytes("v2"));

        assertThat(storage.reads).as("only the caller's own read").isEqualTo(1);
        assertThat(storage.writes).isEqualTo(2);
        assertThat(store.read("plan").valueAsUtf8()).contains("v2");
    }

    @Test
    @DisplayName("reads afresh when its conditional write loses, and reports the conflict found there")
    void readsAfreshAfterLosing() {
        CountingStorage storage = new CountingStorage(new InMemoryStorage(CLOCK));
        FencedStore store = FencedStore.builder(storage).build();
        Snapshot base = store.read("plan");
        store.commit(base, bytes("other writer"));

        assertThatThrownBy(() -> store.commit(base, bytes("mine")))
                .isInstanceOfSatisfying(VersionConflictException.class, conflict -> {
                    assertThat(conflict.expectedVersion()).isZero();
                    assertThat(conflict.actualVersion()).isEqualTo(1);
                });
        assertThat(storage.reads).as("the caller's read, then one fresh read after the lost write").isEqualTo(2);
    }

    @Test
    @DisplayName("never uses a snapshot of another storage: its revisions identify nothing here")
    void snapshotOfAnotherStorageIsDecidedOnAFreshRead() {
        InMemoryStorage mine = new InMemoryStorage(CLOCK);
        InMemoryStorage other = new InMemoryStorage(CLOCK);
        FencedStore onMine = FencedStore.builder(mine).writerId("holder").build();
        FencedStore onOther = FencedStore.builder(other).writerId("someone").build();
        // Mine: committed, claimed, renewed: revision 3, version 1, a live claim.
        onMine.commit(onMine.read("plan"), bytes("v1"));
        Claim live = onMine.renew(onMine.claim("plan"));
        // Other: committed, claimed, revoked: also revision 3 and version 1, but no claim.
        onOther.commit(onOther.read("plan"), bytes("v1"));
        onOther.claim("plan");
        onOther.revoke("plan");
        Snapshot foreign = onOther.read("plan");
        assertThat(mine.read("plan").record().revision()).isEqualTo(other.read("plan").record().revision());

        // Decided on the foreign record, the commit would pass its checks and its compare-and-set, and wipe the claim.
        assertThatThrownBy(() -> onMine.commit(foreign, bytes("stray")))
                .isInstanceOf(ClaimHeldException.class);
        Snapshot after = onMine.read("plan");
        assertThat(after.holder()).contains("holder");
        assertThat(after.epoch()).isEqualTo(live.epoch());
        assertThat(after.valueAsUtf8()).contains("v1");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    /** Counts the SPI calls that reach the backend. Single-threaded tests only. */
    private static final class CountingStorage extends ForwardingStorage {
        int reads;
        int writes;

        CountingStorage(StateStorage delegate) {
            super(delegate);
        }

        @Override
        public StorageRead read(String key) {
            reads++;
            return super.read(key);
        }

        @Override
        public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected, StoredRecord replacement) {
            writes++;
            return super.compareAndSet(expected, replacement);
        }


        @Override
        public String describe() {
            return "counting(" + super.describe() + ")";
        }
    }
}
