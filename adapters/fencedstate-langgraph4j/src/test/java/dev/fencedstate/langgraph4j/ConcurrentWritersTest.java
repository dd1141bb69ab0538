package dev.fencedstate.langgraph4j;

import static dev.fencedstate.langgraph4j.TestGraph.LOG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.FencedStore;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.langgraph4j.Race.Outcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.checkpoint.FileSystemSaver;
import org.bsc.langgraph4j.checkpoint.MemorySaver;
import org.bsc.langgraph4j.state.AgentState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers on one thread at once, each having read the thread before either writes (forced with a barrier in the
 * state reducer, which runs between a writer's {@code get} and its {@code put}): what LangGraph4j's own savers do, and
 * the fenced saver with a {@link FencedRun} per writer. The same races without runs (drop-in) are in
 * {@link DropInTest}.
 */
class ConcurrentWritersTest {

    private static final String THREAD = "thread-1";

    private static RunnableConfig plain() {
        return RunnableConfig.builder().threadId(THREAD).build();
    }

    private static Map<String, Object> note(String who) {
        return Map.of(LOG, List.of("gated-note:" + who));
    }

    @Nested
    @DisplayName("two concurrent updateState calls")
    class UpdateState {

        @Test
        @DisplayName("with LangGraph4j's MemorySaver, both succeed and one note is lost from the thread's head")
        void memorySaverLosesOneNote() throws Exception {
            MemorySaver saver = new MemorySaver();
            CompiledGraph<AgentState> graph = TestGraph.compile(saver, TestGraph.gateOn(new CyclicBarrier(2)),
                    config -> { });
            graph.invoke(TestGraph.input("seed"), plain());

            List<Outcome> outcomes = Race.run(List.of(
                    () -> graph.updateState(plain(), note("A")),
                    () -> graph.updateState(plain(), note("B"))));

            assertThat(outcomes).allMatch(Outcome::succeeded);
            List<String> head = TestGraph.headLog(saver, THREAD);
            // The later put was computed from the seed, not from the other note: that note is silently gone.
            assertThat(head.stream().filter(token -> token.startsWith("gated-note:")).count()).isEqualTo(1);
            assertThat(TestGraph.isOneChain(saver.list(plain()))).isFalse();
        }

        @Test
        @DisplayName("with the fenced saver and a FencedRun each, one wins, the other gets a typed conflict, a retry "
                + "keeps both")
        void fencedSaverRejectsTheStaleNote() throws Exception {
            FencedCheckpointSaver saver = FencedCheckpointSaver.of(FencedStore.builder(new InMemoryStorage()).build());
            CompiledGraph<AgentState> graph = TestGraph.compile(saver, TestGraph.gateOn(new CyclicBarrier(2)),
                    config -> { });
            graph.invoke(TestGraph.input("seed"), plain());
            String seedHead = saver.history(THREAD).get(0).checkpointId();

            List<Outcome> outcomes = Race.run(List.of(
                    () -> graph.updateState(saver.openRun(THREAD).config(), note("A")),
                    () -> graph.updateState(saver.openRun(THREAD).config(), note("B"))));

            assertThat(outcomes).filteredOn(Outcome::succeeded).hasSize(1);
            Throwable failure = outcomes.stream().filter(o -> !o.succeeded()).findFirst().orElseThrow().failure();
            assertThat(failure).isInstanceOf(CheckpointConflictException.class);
            CheckpointConflictException conflict = (CheckpointConflictException) failure;
            assertThat(conflict.threadId()).isEqualTo(THREAD);
            assertThat(conflict.expectedHead()).contains(seedHead);
            assertThat(conflict.actualHead()).contains(saver.history(THREAD).get(0).checkpointId());
            assertThat(conflict.isRetryable()).isTrue();
            assertThat(conflict).hasCauseInstanceOf(VersionConflictException.class);

            String loser = TestGraph.headLog(saver, THREAD).contains("gated-note:A") ? "B" : "A";
            // The loser does what the exception says: read again, redo, put again (no gate this time).
            graph.updateState(saver.openRun(THREAD).config(), Map.of(LOG, List.of("note:" + loser)));

            List<String> head = TestGraph.headLog(saver, THREAD);
            assertThat(head).containsSubsequence("in:seed", "work:seed");
            assertThat(head).contains("note:" + loser, "gated-note:" + ("A".equals(loser) ? "B" : "A"));
            assertThat(TestGraph.isOneChain(saver.list(plain()))).isTrue();
            assertChained(saver.history(THREAD));
        }
    }

    @Nested
    @DisplayName("two concurrent runs")
    class Runs {

        @Test
        @DisplayName("with LangGraph4j's MemorySaver, both complete and the head lacks one run's work")
        void memorySaverInterleavesTwoRuns() throws Exception {
            MemorySaver saver = new MemorySaver();
            CompiledGraph<AgentState> graph = TestGraph.compile(saver, TestGraph.gateOn(new CyclicBarrier(2)),
                    config -> { });
            graph.invoke(TestGraph.input("seed"), plain());

            List<Outcome> outcomes = Race.run(List.of(
                    () -> graph.invoke(TestGraph.gatedInput("A"), plain()),
                    () -> graph.invoke(TestGraph.gatedInput("B"), plain())));

            assertThat(outcomes).allMatch(Outcome::succeeded);
            List<String> head = TestGraph.headLog(saver, THREAD);
            boolean hasA = head.contains("work:A");
            boolean hasB = head.contains("work:B");
            assertThat(hasA ^ hasB).as("exactly one run's work survives in the head: %s", head).isTrue();
            assertThat(TestGraph.isOneChain(saver.list(plain()))).isFalse();
        }

        @Test
        @DisplayName("with the fenced saver and a FencedRun each, one run wins, the other fails with a typed conflict, "
                + "its retry lands")
        void fencedSaverLetsOneRunWin() throws Exception {
            FencedCheckpointSaver saver = FencedCheckpointSaver.of(FencedStore.builder(new InMemoryStorage()).build());
            CompiledGraph<AgentState> graph = TestGraph.compile(saver, TestGraph.gateOn(new CyclicBarrier(2)),
                    config -> { });
            graph.invoke(TestGraph.input("seed"), plain());
            int before = saver.history(THREAD).size();

            List<Outcome> outcomes = Race.run(List.of(
                    () -> graph.invoke(TestGraph.gatedInput("A"), saver.openRun(THREAD).config()),
                    () -> graph.invoke(TestGraph.gatedInput("B"), saver.openRun(THREAD).config())));

            assertThat(outcomes).filteredOn(Outcome::succeeded).hasSize(1);
            Throwable failure = outcomes.stream().filter(o -> !o.succeeded()).findFirst().orElseThrow().failure();
            assertThat(FencedCheckpointSaver.fencedCauseOf(failure))
                    .containsInstanceOf(CheckpointConflictException.class);
            // Nothing of the loser landed: the winner's START and work checkpoints only.
            assertThat(saver.history(THREAD)).hasSize(before + 2);
            String loser = TestGraph.headLog(saver, THREAD).contains("work:A") ? "B" : "A";
            assertThat(saver.list(plain())).flatMap(TestGraph::logOf).doesNotContain("gated-in:" + loser);

            graph.invoke(TestGraph.input(loser), saver.openRun(THREAD).config());

            List<String> head = TestGraph.headLog(saver, THREAD);
            assertThat(head).contains("work:seed", "work:A", "work:B");
            assertThat(TestGraph.isOneChain(saver.list(plain()))).isTrue();
            assertChained(saver.history(THREAD));
        }
    }

    @Nested
    @DisplayName("two LangGraph4j FileSystemSaver instances on one directory (as two processes would be)")
    class TwoInstances {

        @Test
        @DisplayName("LangGraph4j's FileSystemSaver drops a checkpoint: the later rewrite of the file wins")
        void fileSystemSaverDropsACheckpoint(@TempDir Path dir) throws Exception {
            PausingStateSerializer serializer = new PausingStateSerializer();
            FileSystemSaver first = new FileSystemSaver(dir, serializer);
            FileSystemSaver second = new FileSystemSaver(dir, serializer);
            CompiledGraph<AgentState> graphA = TestGraph.compile(first);
            CompiledGraph<AgentState> graphB = TestGraph.compile(second);
            graphA.invoke(TestGraph.input("seed"), plain());
            int seeded = first.list(plain()).size();

            CyclicBarrier bothLoaded = new CyclicBarrier(2);
            CountDownLatch firstWritten = new CountDownLatch(1);
            List<Outcome> outcomes = Race.run(List.of(
                    () -> {
                        // get reads the file once, put reads it again: pause after put's load.
                        serializer.armThisThread(2 * seeded, bothLoaded, new CountDownLatch(0));
                        RunnableConfig written = graphA.updateState(plain(), Map.of(LOG, List.of("note:A")));
                        firstWritten.countDown();
                        return written;
                    },
                    () -> {
                        serializer.armThisThread(2 * seeded, bothLoaded, firstWritten);
                        return graphB.updateState(plain(), Map.of(LOG, List.of("note:B")));
                    }));

            assertThat(outcomes).allMatch(Outcome::succeeded);
            String idA = ((RunnableConfig) outcomes.get(0).result()).checkPointId().orElseThrow();
            String idB = ((RunnableConfig) outcomes.get(1).result()).checkPointId().orElseThrow();
            List<String> stored = new FileSystemSaver(dir, new PausingStateSerializer()).list(plain()).stream()
                    .map(Checkpoint::getId).toList();
            assertThat(stored).hasSize(seeded + 1).contains(idB).doesNotContain(idA);
        }
    }

    /** The saver's own record of the history is one chain: each checkpoint was written on top of the next older one. */
    static void assertChained(List<StoredCheckpoint> newestFirst) {
        List<Optional<String>> parents = new ArrayList<>();
        List<Optional<String>> expected = new ArrayList<>();
        for (int i = 0; i < newestFirst.size(); i++) {
            parents.add(Optional.ofNullable(newestFirst.get(i).parentId()));
            expected.add(i + 1 < newestFirst.size()
                    ? Optional.of(newestFirst.get(i + 1).checkpointId()) : Optional.empty());
        }
        assertThat(parents).isEqualTo(expected);
    }
}
