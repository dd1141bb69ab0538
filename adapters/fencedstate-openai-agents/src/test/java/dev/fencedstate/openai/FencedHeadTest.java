package dev.fencedstate.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("FencedHead advances from A to B only if the head is still A")
class FencedHeadTest {

    private final ManualClock clock = ManualClock.create();
    private final InMemoryStorage storage = new InMemoryStorage(clock);
    private final FencedHead headA = FencedHeadStore.create(FencedStore.builder(storage).writerId("a").build())
            .head("conv-1");
    private final FencedHead headB = FencedHeadStore.create(FencedStore.builder(storage).writerId("b").build())
            .head("conv-1");

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    @DisplayName("a new conversation has no head; each advance records the head it came from")
    void advances() {
        HeadView empty = headA.read();
        assertThat(empty.responseId()).isEmpty();
        assertThat(empty.version()).isZero();

        HeadView first = headA.advance(empty, "resp_A");
        HeadView second = headB.advanceFrom("resp_A", "resp_B");

        assertThat(first.responseId()).contains("resp_A");
        assertThat(first.previousResponseId()).isEmpty();
        assertThat(second.previousResponseId()).contains("resp_A");
        assertThat(headA.read().responseId()).contains("resp_B");
        assertThat(FencedHeadStore.create(FencedStore.builder(storage).build()).conversationIds())
                .containsExactly("conv-1");
    }

    @Test
    @DisplayName("the loser of a race gets the typed conflict with the current head, and the head keeps the winner")
    void loserGetsCurrentHead() {
        HeadView atA = headA.advance(headA.read(), "resp_A");
        headB.advance(headB.read(), "resp_B");

        HeadConflictException conflict = catchThrowableOfType(HeadConflictException.class,
                () -> headA.advance(atA, "resp_C"));

        assertThat(conflict).isInstanceOf(VersionConflictException.class);
        assertThat(conflict.isRetryable()).isTrue();
        assertThat(conflict.key()).isEqualTo("openai-agents/heads/conv-1");
        assertThat(conflict.expectedVersion()).isEqualTo(atA.version()).isEqualTo(1);
        assertThat(conflict.actualVersion()).isEqualTo(conflict.current().version()).isEqualTo(2);
        assertThat(conflict).hasCauseInstanceOf(VersionConflictException.class)
                .hasMessageContaining("Nothing was written").hasMessageContaining("Continue from the current head");
        assertThat(conflict.expectedResponseId()).contains("resp_A");
        assertThat(conflict.attemptedResponseId()).isEqualTo("resp_C");
        assertThat(conflict.current().responseId()).contains("resp_B");
        assertThat(conflict).hasMessageContaining("'resp_A'").hasMessageContaining("'resp_B'");
        assertThat(headA.read().responseId()).contains("resp_B");
    }

    @Test
    @DisplayName("advanceFrom refuses a head that is elsewhere, including a conversation that already started")
    void advanceFromChecksTheId() {
        headA.advanceFrom(null, "resp_A");

        assertThatThrownBy(() -> headB.advanceFrom(null, "resp_X")).isInstanceOf(HeadConflictException.class)
                .hasMessageContaining("no response (a new conversation)");
        assertThatThrownBy(() -> headB.advanceFrom("resp_Z", "resp_X")).isInstanceOf(HeadConflictException.class);
        assertThat(headA.read().responseId()).contains("resp_A");
        assertThat(headA.read().version()).isEqualTo(1);
    }

    @Test
    @DisplayName("advanceFrom's conflict is core's VersionConflictException with the versions the ids were at")
    void advanceFromConflictVersions() {
        headA.advanceFrom(null, "resp_A");
        headA.advanceFrom("resp_A", "resp_B");

        VersionConflictException fromPredecessor = catchThrowableOfType(VersionConflictException.class,
                () -> headB.advanceFrom("resp_A", "resp_X"));
        VersionConflictException fromNew = catchThrowableOfType(VersionConflictException.class,
                () -> headB.advanceFrom(null, "resp_X"));
        VersionConflictException fromUnknown = catchThrowableOfType(VersionConflictException.class,
                () -> headB.advanceFrom("resp_never", "resp_X"));

        assertThat(fromPredecessor).isInstanceOf(HeadConflictException.class);
        assertThat(fromPredecessor.isRetryable()).isTrue();
        assertThat(fromPredecessor.expectedVersion()).as("the head was at resp_A at version 1").isEqualTo(1);
        assertThat(fromPredecessor.actualVersion()).isEqualTo(2);
        assertThat(fromNew.expectedVersion()).as("a new conversation is at version 0").isZero();
        assertThat(fromNew.actualVersion()).isEqualTo(2);
        assertThat(fromUnknown.expectedVersion()).as("not placeable: the version it was checked against")
                .isEqualTo(fromUnknown.actualVersion()).isEqualTo(2);
        assertThat(fromUnknown).hasMessageContaining("'resp_never', version 2,")
                .hasMessageContaining("'resp_B', version 2;");
        assertThat(headA.read().responseId()).contains("resp_B");
        assertThat(headA.read().version()).isEqualTo(2);
    }

    @Test
    @DisplayName("of 8 threads continuing from the same head, exactly one advances it")
    void exactlyOneOfManyWins() throws Exception {
        HeadView atA = headA.advance(headA.read(), "resp_A");
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String id = "resp_" + i;
                FencedHead head = i % 2 == 0 ? headA : headB;
                outcomes.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    try {
                        head.advance(atA, id);
                        return id;
                    } catch (HeadConflictException conflict) {
                        return "lost to " + conflict.current().responseId().orElseThrow();
                    }
                }));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> outcome : outcomes) {
                results.add(outcome.get(20, TimeUnit.SECONDS));
            }
            String winner = headA.read().responseId().orElseThrow();
            assertThat(results).filteredOn(r -> !r.startsWith("lost")).containsExactly(winner);
            assertThat(results).filteredOn(r -> r.startsWith("lost")).hasSize(threads - 1)
                    .allMatch(r -> r.equals("lost to " + winner));
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).as("racing threads stopped").isTrue();
        }
    }

    @Test
    @DisplayName("a zombie whose claim was reclaimed after its lease expired is fenced, though the head never moved")
    void reclaimedZombieIsFenced() {
        HeadView atA = headA.advance(headA.read(), "resp_A");
        Claim stalled = headA.claim(Duration.ofSeconds(10));

        clock.advance(Duration.ofSeconds(11));
        Claim takeover = headB.claim(Duration.ofSeconds(10));

        assertThat(takeover.reclaimed()).isTrue();
        FencedWriteException fenced = catchThrowableOfType(FencedWriteException.class,
                () -> headA.advance(stalled, headA.read(), "resp_zombie"));
        assertThat(fenced.currentEpoch()).isEqualTo(takeover.epoch());
        assertThat(headA.read().responseId()).contains("resp_A");
        assertThat(headA.read().version()).isEqualTo(atA.version());
    }

    @Test
    @DisplayName("a zombie whose claim recovery revoked is fenced")
    void revokedZombieIsFenced() {
        headA.advance(headA.read(), "resp_A");
        Claim claim = headA.claim(Duration.ofSeconds(10));
        HeadView seen = headA.read();

        assertThat(headB.revoke()).isTrue();

        assertThatThrownBy(() -> headA.advance(claim, seen, "resp_zombie")).isInstanceOf(FencedWriteException.class);
        assertThat(headA.read().responseId()).contains("resp_A");
    }

    @Test
    @DisplayName("bad input is refused with a clear error")
    void badInput() {
        HeadView atA = headA.advance(headA.read(), "resp_A");

        assertThatThrownBy(() -> headA.advance(atA, "resp_A")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already at");
        assertThatThrownBy(() -> headA.advance(atA, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FencedHeadStore.create(FencedStore.builder(storage).build()).head(""))
                .isInstanceOf(IllegalArgumentException.class);
        FencedHead other = FencedHeadStore.create(FencedStore.builder(storage).build()).head("conv-2");
        assertThatThrownBy(() -> other.advance(atA, "resp_B")).isInstanceOf(IllegalArgumentException.class);
    }
}
