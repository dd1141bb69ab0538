package dev.fencedstate.langgraph4j;

import static dev.fencedstate.langgraph4j.TestGraph.LOG;
import static dev.fencedstate.langgraph4j.TestGraph.RUNNER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.file.FileStorage;
import dev.fencedstate.langgraph4j.Race.Outcome;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.testkit.FaultInjectingStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.GraphInput;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.action.AsyncNodeActionWithConfig;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.state.AgentState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drop-in use: the fenced saver replaces LangGraph4j's saver and nothing else changes. Every graph call here uses a
 * plain {@link RunnableConfig} (thread id only); no test in this class opens a run. The races are forced with
 * barriers and latches in the state reducer (between a flow's read and its put) or in a node.
 */
class DropInTest {

    private static final String THREAD = "thread-d";

    private final List<String> commits = new CopyOnWriteArrayList<>();
    private final FencedStore store = FencedStore.builder(new InMemoryStorage()).writerId("test")
            .listener(new FencedStoreListener() {
                @Override
                public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
                    commits.add(outcome + " on " + Thread.currentThread().getName());
                }
            }).build();
    private final FencedCheckpointSaver saver = FencedCheckpointSaver.of(store);
    private final ExecutorService remote = Executors.newSingleThreadExecutor(task -> new Thread(task, "remote"));

    @AfterEach
    void stopRemote() throws InterruptedException {
        remote.shutdownNow();
        assertThat(remote.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static RunnableConfig plain() {
        return RunnableConfig.builder().threadId(THREAD).build();
    }

    private static Map<String, Object> note(String token) {
        return Map.of(LOG, List.of(token));
    }

    private static Throwable theFailure(List<Outcome> outcomes) {
        assertThat(outcomes).filteredOn(Outcome::succeeded).as("exactly one writer wins").hasSize(1);
        return outcomes.stream().filter(o -> !o.succeeded()).findFirst().orElseThrow().failure();
    }

    private static CheckpointConflictException conflictIn(Throwable failure) {
        return (CheckpointConflictException) FencedCheckpointSaver.fencedCauseOf(failure)
                .filter(CheckpointConflictException.class::isInstance)
                .orElseThrow(() -> new AssertionError("not a checkpoint conflict", failure));
    }

    private void assertOneChain(String threadId) {
        assertThat(TestGraph.isOneChain(saver.list(RunnableConfig.builder().threadId(threadId).build()))).isTrue();
        ConcurrentWritersTest.assertChained(saver.history(threadId));
    }

    @Nested
    @DisplayName("two flows read the same head, then both put")
    class Races {

        @ParameterizedTest(name = "on the head checkpoint's own config (replace in place): {0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("two updateState calls: one wins, the other gets the typed conflict, its retry keeps both notes")
        void twoUpdateStateCalls(boolean inPlace) throws Exception {
            CompiledGraph<AgentState> graph = TestGraph.compile(saver, TestGraph.gateOn(new CyclicBarrier(2)),
                    config -> { });
            graph.invoke(TestGraph.input("seed"), plain());
            String seedHead = saver.history(THREAD).get(0).checkpointId();
            int seeded = saver.history(THREAD).size();
            RunnableConfig target = inPlace ? graph.getState(plain()).config() : plain();
            assertThat(target.checkPointId().isPresent()).isEqualTo(inPlace);

            List<Outcome> outcomes = Race.run(List.of(
                    () -> graph.updateState(target, note("gated-note:A")),
                    () -> graph.updateState(target, note("gated-note:B"))));

            Throwable failure = theFailure(outcomes);
            assertThat(failure).isInstanceOf(CheckpointConflictException.class)
                    .as("one type for every conflict").isInstanceOf(VersionConflictException.class);
            CheckpointConflictException conflict = (CheckpointConflictException) failure;
            assertThat(conflict.threadId()).isEqualTo(THREAD);
            assertThat(conflict.expectedHead()).contains(seedHead);
            assertThat(conflict.actualHead()).contains(saver.history(THREAD).get(0).checkpointId());
            assertThat(conflict.actualVersion()).isGreaterThan(conflict.expectedVersion());
            assertThat(conflict.isRetryable()).isTrue();
            assertThat(commits).anyMatch(event -> event.startsWith("CONFLICT"));
            assertThat(saver.history(THREAD)).as("nothing of the loser landed").hasSize(seeded + (inPlace ? 0 : 1));

            String loser = TestGraph.headLog(saver, THREAD).contains("gated-note:A") ? "B" : "A";
            graph.updateState(inPlace ? graph.getState(plain()).config() : plain(), note("note:" + loser));

            assertThat(TestGraph.headLog(saver, THREAD)).containsSubsequence("in:seed", "work:seed")
                    .contains("note:" + loser, "gated-note:" + ("A".equals(loser) ? "B" : "A"));
            assertOneChain(THREAD);
        }

        @Test
        @DisplayName("two invokes: one run wins, the other fails with the typed conflict, its retry lands")
        void twoRuns() throws Exception {
            CompiledGraph<AgentState> graph = TestGraph.compile(saver, TestGraph.gateOn(new CyclicBarrier(2)),
                    config -> { });
            graph.invoke(TestGraph.input("seed"), plain());
            int seeded = saver.history(THREAD).size();

            List<Outcome> outcomes = Race.run(List.of(
                    () -> graph.invoke(TestGraph.gatedInput("A"), plain()),
                    () -> graph.invoke(TestGraph.gatedInput("B"), plain())));

            CheckpointConflictException conflict = conflictIn(theFailure(outcomes));
            assertThat(conflict.expectedVersion()).isLessThan(conflict.actualVersion());
            assertThat(saver.history(THREAD)).as("the winner's START and work checkpoints only").hasSize(seeded + 2);
            String loser = TestGraph.headLog(saver, THREAD).contains("work:A") ? "B" : "A";
            assertThat(saver.list(plain())).flatMap(TestGraph::logOf).doesNotContain("gated-in:" + loser);

            graph.invoke(TestGraph.input(loser), plain());

            assertThat(TestGraph.headLog(saver, THREAD)).contains("work:seed", "work:A", "work:B");
            assertOneChain(THREAD);
        }

        @Test
        @DisplayName("a run whose thread moved while its node worked (and read the state) is refused at its next step")
        void threadMovedWhileANodeWorked() throws Exception {
            CountDownLatch inWork = new CountDownLatch(1);
            CountDownLatch otherRunDone = new CountDownLatch(1);
            AtomicReference<CompiledGraph<AgentState>> self = new AtomicReference<>();
            CompiledGraph<AgentState> graph = TestGraph.compile(saver, added -> { }, config -> {
                if (config.metadata("stall").isPresent()) {
                    inWork.countDown();
                    await(otherRunDone);
                    // A state reader inside the node must not make the run look up to date.
                    self.get().getState(plain());
                }
            });
            self.set(graph);
            graph.invoke(TestGraph.input("seed"), plain());

            ExecutorService first = Executors.newSingleThreadExecutor();
            try {
                Future<?> stalled = first.submit(() -> graph.invoke(TestGraph.input("A"),
                        RunnableConfig.builder(plain()).putMetadata("stall", true).build()));
                await(inWork);
                graph.invoke(TestGraph.input("B"), plain());
                otherRunDone.countDown();

                conflictIn(failureOf(stalled));
            } finally {
                first.shutdownNow();
            }
            assertThat(TestGraph.headLog(saver, THREAD)).contains("work:B").doesNotContain("work:A");

            graph.invoke(TestGraph.input("A"), plain());
            assertThat(TestGraph.headLog(saver, THREAD)).contains("work:seed", "work:A", "work:B");
            assertOneChain(THREAD);
        }

        @ParameterizedTest(name = "resumed by checkpoint id: {0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("two runs resumed from the same interrupted checkpoint: one step lands, the other is refused")
        void twoResumes(boolean byCheckpointId) throws Exception {
            CyclicBarrier bothInWork = new CyclicBarrier(2);
            CompiledGraph<AgentState> graph = TestGraph.compile(saver, added -> { },
                    config -> TestGraph.await(bothInWork), "work");
            graph.invoke(TestGraph.input("seed"), plain());
            assertThat(saver.history(THREAD)).extracting(StoredCheckpoint::nextNodeId).containsExactly("work");
            RunnableConfig resumeFrom = byCheckpointId
                    ? plain().withCheckPointId(saver.history(THREAD).get(0).checkpointId()) : plain();

            List<Outcome> outcomes = Race.run(List.of(
                    () -> graph.invoke(GraphInput.resume(Map.of(RUNNER, "A", LOG, List.of("resume:A"))), resumeFrom),
                    () -> graph.invoke(GraphInput.resume(Map.of(RUNNER, "B", LOG, List.of("resume:B"))), resumeFrom)));

            conflictIn(theFailure(outcomes));
            List<String> head = TestGraph.headLog(saver, THREAD);
            assertThat(head.contains("work:A") ^ head.contains("work:B")).as("one resumed step: %s", head).isTrue();
            assertThat(saver.history(THREAD)).hasSize(2);
            assertOneChain(THREAD);
        }

        @Test
        @DisplayName("two saver instances on one directory (as two processes): one updateState is refused")
        void twoInstancesOnOneDirectory(@TempDir Path dir) throws Exception {
            CyclicBarrier bothRead = new CyclicBarrier(2);
            FaultInjectingStorage storageA = new FaultInjectingStorage(FileStorage.open(dir));
            FaultInjectingStorage storageB = new FaultInjectingStorage(FileStorage.open(dir));
            try (FencedStore a = FencedStore.builder(storageA).writerId("instance-a").build();
                    FencedStore b = FencedStore.builder(storageB).writerId("instance-b").build()) {
                FencedCheckpointSaver first = FencedCheckpointSaver.of(a);
                FencedCheckpointSaver second = FencedCheckpointSaver.of(b);
                CompiledGraph<AgentState> graphA = TestGraph.compile(first);
                CompiledGraph<AgentState> graphB = TestGraph.compile(second);
                graphA.invoke(TestGraph.input("seed"), plain());
                int seeded = first.history(THREAD).size();

                List<Outcome> outcomes = Race.run(List.of(
                        () -> {
                            storageA.pauseBeforeNextCompareAndSet(Thread.currentThread(), bothRead);
                            return graphA.updateState(plain(), note("note:A"));
                        },
                        () -> {
                            storageB.pauseBeforeNextCompareAndSet(Thread.currentThread(), bothRead);
                            return graphB.updateState(plain(), note("note:B"));
                        }));

                conflictIn(theFailure(outcomes));
                assertThat(second.history(THREAD)).hasSize(seeded + 1);
                boolean aWon = outcomes.get(0).succeeded();
                (aWon ? graphB : graphA).updateState(plain(), note(aWon ? "note:B" : "note:A"));

                List<StoredCheckpoint> history = second.history(THREAD);
                assertThat(history).hasSize(seeded + 2);
                assertThat(history).extracting(StoredCheckpoint::writerId).contains("instance-a", "instance-b");
                assertThat(TestGraph.headLog(second, THREAD)).contains("note:A", "note:B");
                assertThat(TestGraph.isOneChain(second.list(plain()))).isTrue();
                ConcurrentWritersTest.assertChained(history);
            }
        }

        @Test
        @DisplayName("turned off, the saver appends both updates (the stock interleaving, minus the overwrite)")
        void detectionTurnedOff() throws Exception {
            FencedCheckpointSaver appendOnly = FencedCheckpointSaver.builder(store).detectDropInConflicts(false)
                    .build();
            CompiledGraph<AgentState> graph = TestGraph.compile(appendOnly, TestGraph.gateOn(new CyclicBarrier(2)),
                    config -> { });
            graph.invoke(TestGraph.input("seed"), plain());

            List<Outcome> outcomes = Race.run(List.of(
                    () -> graph.updateState(plain(), note("gated-note:A")),
                    () -> graph.updateState(plain(), note("gated-note:B"))));

            assertThat(outcomes).allMatch(Outcome::succeeded);
            assertThat(TestGraph.isOneChain(appendOnly.list(plain()))).as("one note is lost from the head").isFalse();
        }
    }

    @Nested
    @DisplayName("writes it cannot attribute to a flow are appended, never refused")
    class NoFalseConflicts {

        @Test
        @DisplayName("direct puts that race are both kept: the losing append is redone on the new head")
        void directPutsAreAppended(@TempDir Path dir) throws Exception {
            CyclicBarrier bothRead = new CyclicBarrier(2);
            AtomicInteger retries = new AtomicInteger();
            FencedStoreListener countRetries = new FencedStoreListener() {
                @Override
                public void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException c) {
                    retries.incrementAndGet();
                }
            };
            FaultInjectingStorage storageA = new FaultInjectingStorage(FileStorage.open(dir));
            FaultInjectingStorage storageB = new FaultInjectingStorage(FileStorage.open(dir));
            try (FencedStore a = FencedStore.builder(storageA).writerId("a").listener(countRetries).build();
                    FencedStore b = FencedStore.builder(storageB).writerId("b").listener(countRetries).build()) {
                FencedCheckpointSaver first = FencedCheckpointSaver.of(a);
                FencedCheckpointSaver second = FencedCheckpointSaver.of(b);
                first.put(plain(), checkpoint("c0"));

                List<Outcome> outcomes = Race.run(List.of(
                        () -> {
                            storageA.pauseBeforeNextCompareAndSet(Thread.currentThread(), bothRead);
                            first.get(plain());
                            return first.put(plain(), checkpoint("c-a"));
                        },
                        () -> {
                            storageB.pauseBeforeNextCompareAndSet(Thread.currentThread(), bothRead);
                            second.get(plain());
                            return second.put(plain(), checkpoint("c-b"));
                        }));

                assertThat(outcomes).allMatch(Outcome::succeeded);
                assertThat(retries).as("the two appends really raced").hasValue(1);
                assertThat(second.history(THREAD)).extracting(StoredCheckpoint::checkpointId)
                        .containsExactlyInAnyOrder("c0", "c-a", "c-b");
                ConcurrentWritersTest.assertChained(second.history(THREAD));
            }
        }

        @Test
        @DisplayName("an async node's checkpoint, put from the thread that completed it, refuses neither itself nor "
                + "the run's next step")
        void asyncNodeCompletedOnAnotherThread() throws Exception {
            // The remote thread keeps a basis of its own for this graph thread: it ran a flow there that was
            // interrupted, which is what a pool thread serving earlier requests looks like.
            CompiledGraph<AgentState> interrupting = TestGraph.compile(saver, added -> { }, config -> { }, "work");
            remote.submit(() -> {
                interrupting.invoke(TestGraph.input("earlier"), plain());
                assertThat(saver.dropInBasesOnThisThread()).as("a leftover basis on the remote thread").isOne();
            }).get(20, TimeUnit.SECONDS);

            CompiledGraph<AgentState> graph = new StateGraph<>(TestGraph.schema(added -> { }), AgentState::new)
                    .addNode("remote", completedOn(remote, Thread.currentThread(),
                            state -> "remote:" + state.value(RUNNER).orElse("?")))
                    .addNode("work", AsyncNodeActionWithConfig.node_async((state, config) ->
                            note("work:" + state.value(RUNNER).orElse("?"))))
                    .addEdge(StateGraph.START, "remote")
                    .addEdge("remote", "work")
                    .addEdge("work", StateGraph.END)
                    .compile(CompileConfig.builder().checkpointSaver(saver).build());
            commits.clear();

            graph.invoke(TestGraph.input("now"), plain());

            assertThat(commits).as("the remote node's checkpoint was put from the remote thread")
                    .contains("COMMITTED on remote");
            assertThat(TestGraph.headLog(saver, THREAD)).containsSubsequence("in:now", "remote:now", "work:now");
            assertOneChain(THREAD);
            assertThat(saver.dropInBasesOnThisThread()).isZero();
        }

        @Test
        @DisplayName("a stream created on another thread and consumed here is not held to this thread's older basis")
        void streamConsumedOnAnotherThread() throws Exception {
            CompiledGraph<AgentState> graph = TestGraph.compile(saver);
            CompiledGraph<AgentState> interrupting = TestGraph.compile(saver, added -> { }, config -> { }, "work");
            interrupting.invoke(TestGraph.input("earlier"), plain());
            assertThat(saver.dropInBasesOnThisThread()).as("a leftover basis on this thread").isOne();
            remote.submit(() -> graph.updateState(plain(), note("moved"))).get(20, TimeUnit.SECONDS);

            var stream = remote.submit(() -> graph.stream(TestGraph.input("now"), plain())).get(20, TimeUnit.SECONDS);
            assertThat(stream.stream().toList()).isNotEmpty();

            assertThat(TestGraph.headLog(saver, THREAD)).containsSubsequence("in:earlier", "moved", "in:now",
                    "work:now");
            assertOneChain(THREAD);
        }

        @Test
        @DisplayName("a parallel node on an executor: its checkpoint is put from the executor, and the run completes")
        void parallelNodeOnAnExecutor() throws Exception {
            Thread consumer = Thread.currentThread();
            CompiledGraph<AgentState> graph = new StateGraph<>(TestGraph.schema(added -> { }), AgentState::new)
                    .addNode("plan", AsyncNodeActionWithConfig.node_async((state, config) -> note("plan")))
                    .addNode("slow", AsyncNodeActionWithConfig.node_async((state, config) -> {
                        // Finish only once the consuming thread waits for the node, so the checkpoint after the
                        // parallel node is put from this executor thread.
                        awaitWaiting(consumer);
                        return Map.of("slow", "done");
                    }))
                    .addNode("fast", AsyncNodeActionWithConfig.node_async((state, config) -> Map.of("fast", "done")))
                    .addNode("join", AsyncNodeActionWithConfig.node_async((state, config) -> note("join")))
                    .addEdge(StateGraph.START, "plan")
                    .addEdge("plan", "slow")
                    .addEdge("plan", "fast")
                    .addEdge("slow", "join")
                    .addEdge("fast", "join")
                    .addEdge("join", StateGraph.END)
                    .compile(CompileConfig.builder().checkpointSaver(saver).build());
            ExecutorService branches = Executors.newFixedThreadPool(2, task -> new Thread(task, "branch"));
            try {
                graph.invoke(TestGraph.input("p"), RunnableConfig.builder(plain())
                        .addParallelNodeExecutor("plan", branches).build());
            } finally {
                branches.shutdownNow();
            }

            assertThat(commits).contains("COMMITTED on branch");
            Checkpoint head = saver.get(plain()).orElseThrow();
            assertThat(head.getState()).containsEntry("slow", "done").containsEntry("fast", "done");
            assertThat(TestGraph.logOf(head)).contains("plan", "join");
            ConcurrentWritersTest.assertChained(saver.history(THREAD));
        }

        @Test
        @DisplayName("a compiled subgraph on the same saver writes its own thread, checked the same way")
        void compiledSubgraph() throws Exception {
            CompiledGraph<AgentState> child = new StateGraph<>(TestGraph.schema(added -> { }), AgentState::new)
                    .addNode("inner", AsyncNodeActionWithConfig.node_async((state, config) -> note("inner")))
                    .addEdge(StateGraph.START, "inner")
                    .addEdge("inner", StateGraph.END)
                    .compile(CompileConfig.builder().checkpointSaver(saver).build());
            CompiledGraph<AgentState> parent = new StateGraph<>(TestGraph.schema(added -> { }), AgentState::new)
                    .addNode("child", child)
                    .addNode("work", AsyncNodeActionWithConfig.node_async((state, config) -> note("work")))
                    .addEdge(StateGraph.START, "child")
                    .addEdge("child", "work")
                    .addEdge("work", StateGraph.END)
                    .compile(CompileConfig.builder().checkpointSaver(saver).build());

            parent.invoke(TestGraph.input("one"), plain());
            parent.invoke(TestGraph.input("two"), plain());

            String childThread = THREAD + "_" + "subgraph_child";
            assertThat(saver.history(childThread)).as("the subgraph's own thread").hasSizeGreaterThanOrEqualTo(4);
            assertThat(TestGraph.headLog(saver, THREAD)).contains("in:one", "in:two", "inner", "work");
            ConcurrentWritersTest.assertChained(saver.history(THREAD));
            ConcurrentWritersTest.assertChained(saver.history(childThread));
            assertThat(saver.dropInBasesOnThisThread()).isZero();
        }
    }

    @Test
    @DisplayName("a Java thread keeps no basis once its flows end: completed, refused, updateState, read, resumed")
    void basesDoNotPileUp() throws Exception {
        CompiledGraph<AgentState> graph = TestGraph.compile(saver);
        CompiledGraph<AgentState> interrupting = TestGraph.compile(saver, added -> { }, config -> { }, "work");

        graph.invoke(TestGraph.input("a"), plain());
        assertThat(saver.dropInBasesOnThisThread()).isZero();
        graph.updateState(plain(), note("note"));
        graph.getState(plain());
        graph.getStateHistory(plain());
        assertThat(saver.dropInBasesOnThisThread()).isZero();

        interrupting.invoke(TestGraph.input("b"), plain());
        assertThat(saver.dropInBasesOnThisThread()).as("an interrupted run may resume on this thread").isOne();
        interrupting.invoke(GraphInput.resume(), plain());
        assertThat(saver.dropInBasesOnThisThread()).isZero();

        // A refused put forgets too: read, let another writer move the thread, then put.
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch moved = new CountDownLatch(1);
        CompiledGraph<AgentState> slow = TestGraph.compile(saver, added -> {
            if (added.contains("late")) {
                read.countDown();
                await(moved);
            }
        }, config -> { });
        Future<?> other = remote.submit(() -> {
            await(read);
            graph.updateState(plain(), note("other"));
            moved.countDown();
            return null;
        });
        Throwable refused = null;
        try {
            slow.updateState(plain(), note("late"));
        } catch (CheckpointConflictException expected) {
            refused = expected;
        }
        other.get(20, TimeUnit.SECONDS);
        assertThat(refused).isNotNull();
        assertThat(saver.dropInBasesOnThisThread()).isZero();
    }

    // ---------------------------------------------------------------- helpers

    private static Checkpoint checkpoint(String id) {
        return Checkpoint.builder().id(id).nodeId("n").nextNodeId("m").state(Map.<String, Object>of(LOG, List.of(id)))
                .build();
    }

    /**
     * A node whose result is computed and completed on {@code executor} once {@code consumer} waits for it, i.e.
     * after LangGraph4j chained the node's next step (its checkpoint) to the node's future: so that step runs on the
     * executor's thread, as it does with an asynchronous HTTP client or model call.
     */
    private static AsyncNodeActionWithConfig<AgentState> completedOn(ExecutorService executor, Thread consumer,
            Function<AgentState, String> token) {
        return (state, config) -> {
            CompletableFuture<Map<String, Object>> future = new CompletableFuture<>();
            executor.execute(() -> {
                awaitWaiting(consumer);
                future.complete(note(token.apply(state)));
            });
            return future;
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("waited 20 s in vain");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits (bounded) until {@code thread} is parked waiting, i.e. blocked on the node's future. */
    private static void awaitWaiting(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (thread.getState() != Thread.State.WAITING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the consuming thread never waited for the node");
            }
            Thread.onSpinWait();
        }
    }

    private static Throwable failureOf(Future<?> run) throws InterruptedException {
        try {
            run.get(20, TimeUnit.SECONDS);
            throw new AssertionError("the run completed");
        } catch (java.util.concurrent.ExecutionException failed) {
            return failed.getCause();
        } catch (java.util.concurrent.TimeoutException stuck) {
            throw new AssertionError("the run never finished", stuck);
        }
    }
}
