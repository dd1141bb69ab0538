package dev.fencedstate.langgraph4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.checkpoint.MemorySaver;
import org.bsc.langgraph4j.state.AgentState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A zombie run: it takes its first checkpoint, then stalls in a node past its lease; recovery hands the thread to
 * another run, which continues; then the zombie wakes and tries to checkpoint its stale step.
 */
class ZombieRunTest {

    private static final String THREAD = "thread-z";
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final ManualClock clock = ManualClock.create();
    private final List<FencedStoreListener.CommitOutcome> outcomes = new CopyOnWriteArrayList<>();
    private final FencedStore store = FencedStore.builder(new InMemoryStorage(clock)).writerId("test")
            .defaultLease(LEASE).listener(new FencedStoreListener() {
                @Override
                public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
                    outcomes.add(outcome);
                }
            }).build();
    private final FencedCheckpointSaver saver = FencedCheckpointSaver.of(store);

    private final CountDownLatch zombieStalled = new CountDownLatch(1);
    private final CountDownLatch wakeZombie = new CountDownLatch(1);
    private ExecutorService pool;

    @BeforeEach
    void startPool() {
        pool = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stopPool() throws InterruptedException {
        wakeZombie.countDown();
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** The work node of the run named "zombie" stalls until the test wakes it. */
    private Consumer<RunnableConfig> stallTheZombie() {
        return config -> {
            if (config.metadata("runner").isPresent()) {
                zombieStalled.countDown();
                try {
                    assertThat(wakeZombie.await(20, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private static RunnableConfig plain() {
        return RunnableConfig.builder().threadId(THREAD).build();
    }

    /** Marks a config as the zombie's, so the work node knows to stall. */
    private static RunnableConfig zombie(RunnableConfig config) {
        return RunnableConfig.builder(config).putMetadata("runner", "zombie").build();
    }

    private Future<?> startZombie(CompiledGraph<AgentState> graph, RunnableConfig config) throws InterruptedException {
        Future<?> zombie = pool.submit(() -> graph.invoke(TestGraph.input("zombie"), zombie(config)));
        assertThat(zombieStalled.await(20, TimeUnit.SECONDS)).as("the zombie reached its work node").isTrue();
        return zombie;
    }

    private static Throwable failureOf(Future<?> run) throws InterruptedException {
        try {
            run.get(20, TimeUnit.SECONDS);
            throw new AssertionError("the zombie's run completed");
        } catch (java.util.concurrent.ExecutionException failed) {
            return failed.getCause();
        } catch (java.util.concurrent.TimeoutException stuck) {
            throw new AssertionError("the zombie never finished", stuck);
        }
    }

    @Test
    @DisplayName("with LangGraph4j's MemorySaver, the zombie's stale checkpoint lands on top of the new run's work")
    void memorySaverLetsTheZombieWrite() throws Exception {
        MemorySaver memory = new MemorySaver();
        CompiledGraph<AgentState> graph = TestGraph.compile(memory, added -> { }, stallTheZombie());
        graph.invoke(TestGraph.input("seed"), plain());
        Future<?> zombie = startZombie(graph, plain());

        graph.invoke(TestGraph.input("next"), plain());
        wakeZombie.countDown();
        zombie.get(20, TimeUnit.SECONDS);

        List<String> head = TestGraph.headLog(memory, THREAD);
        assertThat(head).contains("work:zombie").doesNotContain("work:next");
    }

    @Test
    @DisplayName("after its lease lapses and another run reclaims the thread, the zombie cannot write at all")
    void reclaimedZombieIsFenced() throws Exception {
        CompiledGraph<AgentState> graph = TestGraph.compile(saver, added -> { }, stallTheZombie());
        graph.invoke(TestGraph.input("seed"), plain());
        FencedRun zombieRun = saver.claimRun(THREAD, LEASE);
        long zombieEpoch = zombieRun.claim().orElseThrow().epoch();
        Future<?> zombie = startZombie(graph, zombieRun.config());

        clock.advance(LEASE.plusSeconds(1));
        try (FencedRun next = saver.claimRun(THREAD, LEASE)) {
            assertThat(next.claim().orElseThrow().reclaimed()).isTrue();
            graph.invoke(TestGraph.input("next"), next.config());
        }
        wakeZombie.countDown();

        Throwable failure = failureOf(zombie);
        FencedWriteException fenced = (FencedWriteException) FencedCheckpointSaver.fencedCauseOf(failure)
                .filter(FencedWriteException.class::isInstance).orElseThrow(() -> new AssertionError(failure));
        assertThat(fenced.claimEpoch()).isEqualTo(zombieEpoch);
        assertThat(fenced.currentEpoch()).isGreaterThan(zombieEpoch);
        assertThat(outcomes).contains(FencedStoreListener.CommitOutcome.FENCED);

        List<String> head = TestGraph.headLog(saver, THREAD);
        assertThat(head).contains("work:next").doesNotContain("work:zombie");
        assertThat(saver.list(plain())).flatMap(TestGraph::logOf).doesNotContain("work:zombie");
        assertThat(TestGraph.isOneChain(saver.list(plain()))).isTrue();
        ConcurrentWritersTest.assertChained(saver.history(THREAD));
        assertNoStaleCheckpoint(saver.history(THREAD), zombieEpoch);
        // Everything else the zombie might try is fenced too.
        assertThatThrownBy(zombieRun::renew).isInstanceOf(FencedWriteException.class);
        assertThatThrownBy(() -> saver.release(zombieRun.config())).isInstanceOf(FencedWriteException.class);
        assertThat(saver.history(THREAD)).isNotEmpty();
    }

    @Test
    @DisplayName("revoked while nobody wrote: its version still matches, and the epoch alone stops the zombie")
    void revokedZombieIsFencedAlthoughItsVersionMatches() throws Exception {
        CompiledGraph<AgentState> graph = TestGraph.compile(saver, added -> { }, stallTheZombie());
        FencedRun zombieRun = saver.claimRun(THREAD, LEASE);
        Future<?> zombie = startZombie(graph, zombieRun.config());
        List<StoredCheckpoint> before = saver.history(THREAD);

        assertThat(saver.revoke(THREAD)).isTrue();
        assertThat(store.read(saver.keyOf(THREAD)).version()).isEqualTo(zombieRun.basisVersion());
        wakeZombie.countDown();

        assertThat(FencedCheckpointSaver.fencedCauseOf(failureOf(zombie)))
                .containsInstanceOf(FencedWriteException.class);
        assertThat(saver.history(THREAD)).isEqualTo(before);
        assertThat(TestGraph.headLog(saver, THREAD)).doesNotContain("work:zombie");
    }

    @Test
    @DisplayName("while a run holds the thread, a writer without the claim is refused")
    void claimedThreadRefusesOtherWriters() throws Exception {
        CompiledGraph<AgentState> graph = TestGraph.compile(saver);
        try (FencedRun run = saver.claimRun(THREAD, LEASE)) {
            graph.invoke(TestGraph.input("owner"), run.config());
            assertThatThrownBy(() -> graph.invoke(TestGraph.input("intruder"), plain()))
                    .satisfies(thrown -> assertThat(FencedCheckpointSaver.fencedCauseOf(thrown))
                            .containsInstanceOf(ClaimHeldException.class));
            assertThatThrownBy(() -> graph.updateState(saver.openRun(THREAD).config(),
                    java.util.Map.of(TestGraph.LOG, List.of("intruder")))).isInstanceOf(ClaimHeldException.class);
        }
        // Released: the thread is open again.
        graph.invoke(TestGraph.input("after"), plain());
        assertThat(TestGraph.headLog(saver, THREAD)).contains("work:owner", "work:after").doesNotContain("intruder");
    }

    @Test
    @DisplayName("a run that keeps checkpointing renews its lease, so it is not reclaimed")
    void checkpointingRenewsTheLease() throws Exception {
        CompiledGraph<AgentState> graph = TestGraph.compile(saver, added -> { },
                config -> clock.advance(Duration.ofSeconds(20)));
        try (FencedRun run = saver.claimRun(THREAD, LEASE)) {
            Instant firstDeadline = run.claim().orElseThrow().leaseDeadline();
            graph.invoke(TestGraph.input("long"), run.config());
            // The work checkpoint was put with 10 s of 30 left: renewed to 30 s from then.
            assertThat(run.claim().orElseThrow().leaseDeadline()).isEqualTo(clock.instant().plus(LEASE));

            clock.advance(Duration.ofSeconds(15));
            assertThat(clock.instant()).isAfter(firstDeadline);
            assertThatThrownBy(() -> saver.claimRun(THREAD, LEASE)).isInstanceOf(ClaimHeldException.class);
        }
    }

    /** No checkpoint written under the zombie's epoch is newer than any checkpoint written after it. */
    private static void assertNoStaleCheckpoint(List<StoredCheckpoint> newestFirst, long zombieEpoch) {
        boolean seenZombie = false;
        for (StoredCheckpoint checkpoint : newestFirst) {
            if (checkpoint.claimEpoch() == zombieEpoch) {
                seenZombie = true;
            } else if (seenZombie && checkpoint.claimEpoch() > zombieEpoch) {
                throw new AssertionError("a checkpoint of the zombie's epoch sits above a later one: " + newestFirst);
            }
        }
        assertThat(newestFirst.get(0).claimEpoch()).isGreaterThan(zombieEpoch);
    }
}
