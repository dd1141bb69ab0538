package dev.fencedstate.langgraph4j;

import static org.bsc.langgraph4j.action.AsyncNodeActionWithConfig.node_async;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.GraphStateException;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.checkpoint.BaseCheckpointSaver;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.state.Channel;
import org.bsc.langgraph4j.state.Channels;

/**
 * A deterministic two-step graph for the tests: {@code START -> work -> END}. The state's {@code log} channel appends;
 * a run's input adds {@code in:<runner>}, the work node adds {@code work:<runner>}. So a thread whose history is one
 * chain has every checkpoint's log extending the one before it, and a lost checkpoint shows as a token missing from
 * the head.
 *
 * <p>Two hooks force interleavings without sleeps: {@code onMerge} runs inside the {@code log} reducer, i.e. after a
 * writer read the thread ({@code get}) and before it puts (a run's input merge, an {@code updateState} merge);
 * {@code beforeWork} runs at the start of the work node (after the run's first checkpoint).
 */
final class TestGraph {

    static final String LOG = "log";
    static final String RUNNER = "runner";

    private TestGraph() {
    }

    /** The graph's state schema: the appending {@code log} channel, calling {@code onMerge} on every merge. */
    static Map<String, Channel<?>> schema(Consumer<List<String>> onMerge) {
        Channel<List<String>> log = Channels.base((List<String> old, List<String> added) -> {
            onMerge.accept(added);
            List<String> merged = new ArrayList<>(old);
            merged.addAll(added);
            return merged;
        }, ArrayList::new);
        return Map.of(LOG, log);
    }

    static CompiledGraph<AgentState> compile(BaseCheckpointSaver saver, Consumer<List<String>> onMerge,
            Consumer<RunnableConfig> beforeWork, String... interruptBefore) {
        try {
            return new StateGraph<>(schema(onMerge), AgentState::new)
                    .addNode("work", node_async((AgentState state, RunnableConfig config) -> {
                        beforeWork.accept(config);
                        String runner = state.<String>value(RUNNER).orElse("?");
                        return Map.of(LOG, List.of("work:" + runner));
                    }))
                    .addEdge(StateGraph.START, "work")
                    .addEdge("work", StateGraph.END)
                    .compile(CompileConfig.builder().checkpointSaver(saver).interruptBefore(interruptBefore).build());
        } catch (GraphStateException e) {
            throw new IllegalStateException(e);
        }
    }

    static CompiledGraph<AgentState> compile(BaseCheckpointSaver saver) {
        return compile(saver, added -> { }, config -> { });
    }

    static Map<String, Object> input(String runner) {
        return Map.of(RUNNER, runner, LOG, List.of("in:" + runner));
    }

    /** An input whose merge waits at {@code barrier}: marks the token so {@link #gateOn} recognises it. */
    static Map<String, Object> gatedInput(String runner) {
        return Map.of(RUNNER, runner, LOG, List.of("gated-in:" + runner));
    }

    /** An onMerge hook that makes every merge of a {@code gated-} token wait at the barrier. */
    static Consumer<List<String>> gateOn(CyclicBarrier barrier) {
        return added -> {
            if (added.stream().anyMatch(token -> token.startsWith("gated-"))) {
                await(barrier);
            }
        };
    }

    static void await(CyclicBarrier barrier) {
        try {
            barrier.await(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the other writer never arrived", e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> logOf(Checkpoint checkpoint) {
        return (List<String>) checkpoint.getState().getOrDefault(LOG, List.of());
    }

    static List<String> headLog(BaseCheckpointSaver saver, String threadId) {
        Optional<Checkpoint> head = saver.get(RunnableConfig.builder().threadId(threadId).build());
        return head.map(TestGraph::logOf).orElse(List.of());
    }

    /**
     * Whether the history (newest first) is one chain by content: every checkpoint's log extends the log of the
     * checkpoint before it, so each step was computed from its predecessor.
     */
    static boolean isOneChain(Collection<Checkpoint> newestFirst) {
        List<Checkpoint> list = new ArrayList<>(newestFirst);
        for (int i = 0; i + 1 < list.size(); i++) {
            List<String> newer = logOf(list.get(i));
            List<String> older = logOf(list.get(i + 1));
            if (newer.size() < older.size() || !newer.subList(0, older.size()).equals(older)) {
                return false;
            }
        }
        return true;
    }

    /** The root cause chain's first exception of the given type, if any. */
    static <T extends Throwable> Optional<T> causeOf(Throwable thrown, Class<T> type) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }
}
