package dev.fencedstate.openai;

import static dev.fencedstate.openai.TestItems.describe;
import static dev.fencedstate.openai.TestItems.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fencedstate.Claim;
import dev.fencedstate.ClaimHeldException;
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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("FencedSession")
class FencedSessionTest {

    private final ManualClock clock = ManualClock.create();
    private final InMemoryStorage storage = new InMemoryStorage(clock);
    private final FencedStore workerA = FencedStore.builder(storage).writerId("worker-a").build();
    private final FencedStore workerB = FencedStore.builder(storage).writerId("worker-b").build();
    private final FencedSession sessionA = FencedSessionStore.create(workerA).session("chat-1");
    private final FencedSession sessionB = FencedSessionStore.create(workerB).session("chat-1");

    @AfterEach
    void close() {
        storage.close();
    }

    private SessionView seed(String... texts) {
        SessionView view = sessionA.read();
        return sessionA.addItems(view, java.util.Arrays.stream(texts).map(TestItems::user).toList());
    }

    @Nested
    @DisplayName("has the Agents SDK's Session semantics")
    class Semantics {

        @Test
        @DisplayName("a new session is empty at version 0")
        void newSessionIsEmpty() {
            SessionView view = sessionA.read();
            assertThat(view.items()).isEmpty();
            assertThat(view.version()).isZero();
            assertThat(view.tail()).isEmpty();
            assertThat(sessionA.getItems()).isEmpty();
        }

        @Test
        @DisplayName("addItems appends in order and numbers the items")
        void addItemsAppends() {
            SessionView first = seed("one", "two");
            SessionView second = sessionA.addItems(first, List.of(user("three")));

            assertThat(describe(second.items())).containsExactly("user: one", "user: two", "user: three");
            assertThat(second.entries()).extracting(SessionItem::sequence).containsExactly(1L, 2L, 3L);
            assertThat(describe(sessionB.getItems())).containsExactly("user: one", "user: two", "user: three");
            assertThat(second.version()).isEqualTo(2);
        }

        @Test
        @DisplayName("getItems(limit) returns the latest N in chronological order")
        void getItemsLimit() {
            seed("one", "two", "three", "four");

            assertThat(describe(sessionA.getItems(2))).containsExactly("user: three", "user: four");
            assertThat(describe(sessionA.getItems(10))).hasSize(4).startsWith("user: one");
            assertThat(sessionA.getItems(0)).isEmpty();
            assertThatThrownBy(() -> sessionA.getItems(-1)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("popItem removes and returns the newest item")
        void popItemRemovesNewest() {
            SessionView view = seed("one", "two");

            PopResult popped = sessionA.popItem(view);

            assertThat(popped.item()).map(TestItems::describe).contains("user: two");
            assertThat(popped.popped().sequence()).isEqualTo(2);
            assertThat(describe(sessionB.getItems())).containsExactly("user: one");
        }

        @Test
        @DisplayName("popItem on an empty session returns nothing and writes nothing")
        void popEmpty() {
            SessionView empty = sessionA.read();

            PopResult popped = sessionA.popItem(empty);

            assertThat(popped.item()).isEmpty();
            assertThat(sessionA.read().version()).isZero();
        }

        @Test
        @DisplayName("clearSession removes every item; sequence numbers are never reused")
        void clearSession() {
            SessionView view = seed("one", "two");

            SessionView cleared = sessionA.clearSession(view);
            SessionView after = sessionA.addItems(cleared, List.of(user("three")));

            assertThat(cleared.items()).isEmpty();
            assertThat(after.entries()).extracting(SessionItem::sequence).containsExactly(3L);
        }

        @Test
        @DisplayName("sessions are listed by id and do not see each other's items")
        void sessionsAreSeparate() {
            FencedSessionStore store = FencedSessionStore.create(workerA);
            FencedSession other = store.session("chat-2");
            seed("one");
            other.addItems(other.read(), List.of(user("elsewhere")));

            assertThat(store.sessionIds()).containsExactly("chat-1", "chat-2");
            assertThat(describe(other.getItems())).containsExactly("user: elsewhere");
            assertThatThrownBy(() -> other.addItems(sessionA.read(), List.of(user("x"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chat-1");
        }
    }

    @Nested
    @DisplayName("refuses a change computed from a tail a peer moved")
    class Conflicts {

        @Test
        @DisplayName("a stale append fails with the current tail and adds nothing")
        void staleAppend() {
            SessionView base = seed("one");
            SessionView seenByA = sessionA.read();
            sessionB.addItems(base, List.of(user("from b")));

            SessionConflictException conflict = catchThrowableOfType(SessionConflictException.class,
                    () -> sessionA.addItems(seenByA, List.of(user("from a"))));

            assertThat(conflict).isInstanceOf(VersionConflictException.class);
            assertThat(conflict.isRetryable()).isTrue();
            assertThat(conflict.key()).isEqualTo(sessionA.key());
            assertThat(conflict.expected()).isEqualTo(seenByA);
            assertThat(conflict.expectedVersion()).isEqualTo(seenByA.version()).isEqualTo(1);
            assertThat(conflict.actualVersion()).isEqualTo(conflict.current().version()).isEqualTo(2);
            assertThat(describe(conflict.current().items())).containsExactly("user: one", "user: from b");
            assertThat(conflict.current().tail().orElseThrow().sequence()).isEqualTo(2);
            assertThat(conflict).hasMessageContaining("version 1, tail #1").hasMessageContaining("version 2, tail #2")
                    .hasMessageContaining("Nothing was written").hasMessageContaining("Recompute the change")
                    .hasCauseInstanceOf(dev.fencedstate.VersionConflictException.class);
            assertThat(conflict.getCause()).isNotInstanceOf(SessionConflictException.class);
            assertThat(describe(sessionA.getItems())).containsExactly("user: one", "user: from b");
        }

        @Test
        @DisplayName("a stale pop never removes the peer's item")
        void stalePopKeepsPeerItem() {
            SessionView base = seed("mine");
            sessionB.addItems(base, List.of(user("peer's")));

            assertThatThrownBy(() -> sessionA.popItem(base)).isInstanceOf(SessionConflictException.class);
            assertThat(describe(sessionA.getItems())).containsExactly("user: mine", "user: peer's");
        }

        @Test
        @DisplayName("a stale clear fails and keeps the peer's items")
        void staleClear() {
            SessionView base = seed("one");
            sessionB.addItems(base, List.of(user("two")));

            assertThatThrownBy(() -> sessionA.clearSession(base)).isInstanceOf(SessionConflictException.class);
            assertThat(sessionA.getItems()).hasSize(2);
        }

        @Test
        @DisplayName("a no-op change on a stale view fails too")
        void staleNoOps() {
            SessionView empty = sessionA.read();
            sessionB.addItems(empty, List.of(user("one")));

            assertThatThrownBy(() -> sessionA.popItem(empty)).isInstanceOf(SessionConflictException.class);
            assertThatThrownBy(() -> sessionA.clearSession(empty)).isInstanceOf(SessionConflictException.class);
            assertThatThrownBy(() -> sessionA.addItems(empty, List.of())).isInstanceOf(SessionConflictException.class);
            assertThat(sessionA.getItems()).hasSize(1);
            VersionConflictException noOp = catchThrowableOfType(VersionConflictException.class,
                    () -> sessionA.popItem(empty));
            assertThat(noOp).isInstanceOf(SessionConflictException.class);
            assertThat(noOp.expectedVersion()).isZero();
            assertThat(noOp.actualVersion()).isEqualTo(1);
        }

        @Test
        @DisplayName("a session conflict is core's VersionConflictException, with the session's real versions")
        void caughtAsCoreConflict() {
            SessionView stale = seed("one");
            SessionView moved = sessionB.addItems(stale, List.of(user("two")));
            sessionB.popItem(moved);

            // What a module-independent retry loop (or the Spring starter's mapping) does: catch the core type.
            VersionConflictException conflict = catchThrowableOfType(VersionConflictException.class,
                    () -> sessionA.addItems(stale, List.of(user("late"))));

            assertThat(conflict).isInstanceOf(dev.fencedstate.FencedStateException.class)
                    .isInstanceOf(SessionConflictException.class);
            assertThat(conflict.isRetryable()).isTrue();
            assertThat(conflict.key()).isEqualTo("openai-agents/sessions/chat-1");
            assertThat(conflict.expectedVersion()).isEqualTo(1);
            assertThat(conflict.actualVersion()).as("two peer changes since the view").isEqualTo(3)
                    .isEqualTo(sessionA.read().version());
            SessionView current = ((SessionConflictException) conflict).current();
            assertThat(describe(current.items())).containsExactly("user: one");
            assertThat(sessionA.addItems(current, List.of(user("late"))).version()).isEqualTo(4);
        }

        @Test
        @DisplayName("of 8 threads appending to the same view, exactly one wins; the rest see its items")
        void exactlyOneWins() throws Exception {
            SessionView base = seed("start");
            int threads = 8;
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Boolean>> outcomes = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    String text = "thread " + i;
                    outcomes.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        try {
                            sessionA.addItems(base, List.of(user(text)));
                            return true;
                        } catch (SessionConflictException conflict) {
                            assertThat(conflict.current().size()).isEqualTo(2);
                            return false;
                        }
                    }));
                }
                int wins = 0;
                for (Future<Boolean> outcome : outcomes) {
                    wins += outcome.get(20, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(wins).isEqualTo(1);
                assertThat(sessionA.getItems()).hasSize(2);
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).as("racing threads stopped").isTrue();
            }
        }
    }

    @Nested
    @DisplayName("fences a worker whose claim was reclaimed or revoked")
    class Claims {

        @Test
        @DisplayName("a live claim keeps unclaimed writers out")
        void liveClaimKeepsOthersOut() {
            SessionView base = seed("one");
            Claim claim = sessionA.claim(Duration.ofSeconds(30));

            assertThatThrownBy(() -> sessionB.addItems(sessionB.read(), List.of(user("intruder"))))
                    .isInstanceOf(ClaimHeldException.class);
            SessionView after = sessionA.addItems(claim, sessionA.read(), List.of(user("holder")));

            assertThat(describe(after.items())).containsExactly("user: one", "user: holder");
            assertThat(base.epoch()).isLessThan(after.epoch());
        }

        @Test
        @DisplayName("a stalled holder whose lease expired and was reclaimed is fenced, though nobody wrote")
        void reclaimedHolderIsFenced() {
            seed("one");
            Claim stalled = sessionA.claim(Duration.ofSeconds(30));
            SessionView seenBeforeStall = sessionA.read();

            clock.advance(Duration.ofSeconds(31));
            Claim takeover = sessionB.claim(Duration.ofSeconds(30));

            assertThat(takeover.reclaimed()).isTrue();
            FencedWriteException fenced = catchThrowableOfType(FencedWriteException.class,
                    () -> sessionA.addItems(stalled, seenBeforeStall, List.of(user("zombie"))));
            assertThat(fenced.claimEpoch()).isEqualTo(stalled.epoch());
            assertThat(fenced.currentEpoch()).isEqualTo(takeover.epoch());
            assertThat(sessionA.read().version()).isEqualTo(seenBeforeStall.version());
            assertThat(describe(sessionA.getItems())).containsExactly("user: one");
        }

        @Test
        @DisplayName("after recovery revokes a claim, every change under it is fenced, no-ops included")
        void revokedHolderIsFenced() {
            SessionView base = seed("one");
            Claim claim = sessionA.claim(Duration.ofSeconds(30));
            SessionView seen = sessionA.read();

            assertThat(sessionB.revoke()).isTrue();

            assertThatThrownBy(() -> sessionA.addItems(claim, seen, List.of(user("zombie"))))
                    .isInstanceOf(FencedWriteException.class);
            assertThatThrownBy(() -> sessionA.popItem(claim, seen)).isInstanceOf(FencedWriteException.class);
            assertThatThrownBy(() -> sessionA.clearSession(claim, seen)).isInstanceOf(FencedWriteException.class);
            assertThatThrownBy(() -> sessionA.addItems(claim, seen, List.of()))
                    .isInstanceOf(FencedWriteException.class);
            assertThatThrownBy(() -> sessionA.renew(claim, Duration.ofSeconds(30)))
                    .isInstanceOf(FencedWriteException.class);
            assertThat(sessionA.read().items()).hasSize(base.size());
        }

        @Test
        @DisplayName("a released claim lets unclaimed writers in again")
        void releaseEndsClaim() {
            seed("one");
            Claim claim = sessionA.claim(Duration.ofSeconds(30));

            assertThat(sessionA.release(claim)).isTrue();
            sessionB.addItems(sessionB.read(), List.of(user("two")));

            assertThat(sessionA.getItems()).hasSize(2);
            assertThat(sessionA.release(claim)).isFalse();
        }
    }
}
