package dev.fencedstate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.memory.InMemoryStorage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code verify} makes a write's checks, in the write's order, without writing. */
@DisplayName("FencedStore.verify")
class VerifyTest {

    private final InMemoryStorage storage = new InMemoryStorage();
    private final FencedStore me = FencedStore.builder(storage).writerId("me").build();
    private final FencedStore other = FencedStore.builder(storage).writerId("other").build();

    @Test
    @DisplayName("passes on an unchanged key and writes nothing")
    void passesOnUnchanged() {
        Snapshot base = me.commit(me.read("k"), "v".getBytes(UTF_8));
        Snapshot now = me.verify(base);
        assertThat(now.version()).isEqualTo(base.version());
        assertThat(storage.read("k").record().revision()).isEqualTo(1);
    }

    @Test
    @DisplayName("refuses a stale base with the conflict a commit would get")
    void refusesStale() {
        Snapshot base = me.read("k");
        other.commit(other.read("k"), "theirs".getBytes(UTF_8));
        assertThatThrownBy(() -> me.verify(base)).isInstanceOfSatisfying(VersionConflictException.class, c -> {
            assertThat(c.expectedVersion()).isZero();
            assertThat(c.actualVersion()).isEqualTo(1);
        });
    }

    @Test
    @DisplayName("refuses a base under another writer's live claim")
    void refusesUnderLiveClaim() {
        Snapshot base = me.read("k");
        other.claim("k");
        assertThatThrownBy(() -> me.verify(base)).isInstanceOf(ClaimHeldException.class);
    }

    @Test
    @DisplayName("reports a revoked claim as fenced before it reports the conflict")
    void fencedBeforeConflict() {
        Claim claim = me.claim("k");
        Snapshot base = claim.snapshot();
        other.revoke("k");
        other.commit(other.read("k"), "theirs".getBytes(UTF_8));
        assertThatThrownBy(() -> me.verify(claim, base)).isInstanceOf(FencedWriteException.class);
    }

    @Test
    @DisplayName("passes for a current claim on an unchanged key")
    void passesUnderOwnClaim() {
        Claim claim = me.claim("k");
        assertThat(me.verify(claim, claim.snapshot()).epoch()).isEqualTo(claim.epoch());
    }
}
