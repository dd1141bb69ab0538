package dev.fencedstate.samples.langgraph4j;

import static org.bsc.langgraph4j.action.AsyncNodeAction.node_async;

import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.Retrier;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.file.FileStorage;
import dev.fencedstate.langgraph4j.CheckpointConflictException;
import dev.fencedstate.langgraph4j.FencedCheckpointSaver;
import dev.fencedstate.langgraph4j.StoredCheckpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.GraphStateException;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.checkpoint.BaseCheckpointSaver;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.checkpoint.MemorySaver;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.state.Channel;
import org.bsc.langgraph4j.state.Channels;

/**
 * A small multi-agent graph (a planner fans out to three workers that write shared findings in parallel, then a
 * summarizer) serving one customer conversation. Two requests for that conversation arrive at the same moment and are
 * handled at once, as two app instances or two request threads would. Run it once with LangGraph4j's
 * {@code MemorySaver} and once with the fenced saver dropped in its place (the same graph, the same plain
 * {@link RunnableConfig}), and see which one loses a request's checkpoints.
 *
 * <p>No LLM, no network, no keys: the agents are deterministic functions. The overlap that production gets by bad luck
 * (both handlers load the thread before either saves) is forced with a barrier, so the demo shows it every time.
 *
 * <p>Exit code 0 if the stock saver lost a request and the fenced saver lost none (what the demo is for), 1 otherwise.
 */
public final class LostCheckpointDemo {

    private static final String THREAD = "customer-42";
    private static final List<String> REQUESTS = List.of("compare laptop prices", "check delivery dates");
    private static final Retrier RETRIER = Retrier.of(RetryPolicy.DEFAULT);
    private static final List<String> WORKERS = List.of("pricing-agent", "stock-agent", "reviews-agent");

    private LostCheckpointDemo() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(System.out) ? 0 : 1);
    }

    /** Runs the demo, printing to {@code out}; whether it showed what it claims (the stock saver lost, ours did not). */
    static boolean run(PrintStream out) throws Exception {
        out.println("Two requests on one LangGraph4j thread at once "
                + "(planner -> 3 parallel workers -> summarizer)\n");

        out.println("[1] LangGraph4j MemorySaver");
        MemorySaver memory = new MemorySaver();
        List<String> lostWithStock = runScenario(memory, out);

        Path dir = Files.createTempDirectory("fencedstate-langgraph4j-demo");
        List<String> lostWithFenced;
        try (FencedStore store = FencedStore.builder(FileStorage.open(dir)).name("demo").build()) {
            out.println("\n[2] FencedCheckpointSaver, dropped in, on a fencedstate directory (" + dir + ")");
            FencedCheckpointSaver fenced = FencedCheckpointSaver.of(store);
            lostWithFenced = runScenario(fenced, out);
            List<StoredCheckpoint> history = fenced.history(THREAD);
            out.println("    history: " + history.size() + " checkpoints, "
                    + (isChain(history) ? "one chain (each written on top of the one before)" : "NOT one chain"));
        } finally {
            deleteTree(dir);
        }

        boolean asExpected = !lostWithStock.isEmpty() && lostWithFenced.isEmpty();
        out.println("\nResult: stock saver lost " + describe(lostWithStock) + "; fenced saver lost "
                + describe(lostWithFenced) + ".");
        return asExpected;
    }

    /**
     * Seeds the conversation, then handles both requests at once. The handlers are the same for both savers; with the
     * fenced one, a handler whose thread moved under it gets a {@link CheckpointConflictException} and retries from
     * the fresh head. Returns the requests whose results are missing from the thread's head afterwards.
     */
    private static List<String> runScenario(BaseCheckpointSaver saver, PrintStream out) throws Exception {
        BothLoaded bothLoaded = new BothLoaded();
        CompiledGraph<AgentState> graph = buildGraph(saver, bothLoaded);
        graph.invoke(input("hello"), RunnableConfig.builder().threadId(THREAD).build());
        bothLoaded.arm();

        ExecutorService handlers = Executors.newFixedThreadPool(REQUESTS.size());
        try {
            List<Future<String>> done = new ArrayList<>();
            for (String request : REQUESTS) {
                done.add(handlers.submit(() -> handle(graph, request)));
            }
            for (int i = 0; i < REQUESTS.size(); i++) {
                out.println("    request \"" + REQUESTS.get(i) + "\": " + done.get(i).get(60, TimeUnit.SECONDS));
            }
        } finally {
            handlers.shutdownNow();
        }

        Checkpoint head = saver.get(RunnableConfig.builder().threadId(THREAD).build()).orElseThrow();
        List<String> summaries = listOf(head, "summaries");
        out.println("    thread head summaries: " + summaries);
        List<String> lost = REQUESTS.stream()
                .filter(request -> summaries.stream().noneMatch(s -> s.startsWith(request))).toList();
        for (String request : lost) {
            long orphaned = saver.list(RunnableConfig.builder().threadId(THREAD).build()).stream()
                    .filter(checkpoint -> listOf(checkpoint, "requests").contains(request)).count();
            out.println("    LOST: \"" + request + "\" finished, but its " + orphaned
                    + " checkpoints are not under the head: the next turn resumes without them");
        }
        return lost;
    }

    /**
     * A request handler: runs the graph on the conversation; on a checkpoint conflict, core's {@link Retrier} backs
     * off a little (jittered, so two handlers that keep moving the thread under each other fall out of step) and the
     * graph runs again from the fresh head. Anything but a conflict ends the request.
     */
    private static String handle(CompiledGraph<AgentState> graph, String request) {
        RunnableConfig conversation = RunnableConfig.builder().threadId(THREAD).build();
        StringBuilder story = new StringBuilder();
        return RETRIER.call(THREAD, execution -> {
            if (execution.lastConflict() instanceof CheckpointConflictException conflict) {
                story.append("conflict (thread moved from ").append(shortId(conflict.expectedHead().orElse("-")))
                        .append(" to ").append(shortId(conflict.actualHead().orElse("-")))
                        .append("), retried from the fresh head -> ");
            }
            try {
                graph.invoke(input(request), conversation);
                return story + "finished";
            } catch (RuntimeException failure) {
                FencedStateException cause = FencedCheckpointSaver.fencedCauseOf(failure).orElseThrow(() -> failure);
                throw cause instanceof CheckpointConflictException conflict ? conflict : failure;
            }
        });
    }

    private static CompiledGraph<AgentState> buildGraph(BaseCheckpointSaver saver, BothLoaded bothLoaded)
            throws GraphStateException {
        Map<String, Channel<?>> schema = Map.of(
                "requests", Channels.<List<String>>base((old, added) -> {
                    bothLoaded.await();
                    return union(old, added);
                }, ArrayList::new),
                // Appenders that drop duplicates: LangGraph4j's parallel node merges the lists it already holds again.
                "findings", Channels.appender(ArrayList::new),
                "summaries", Channels.appender(ArrayList::new));
        StateGraph<AgentState> graph = new StateGraph<>(schema, AgentState::new);
        graph.addNode("planner", node_async(state -> Map.of("plan",
                "split \"" + current(state) + "\" across " + String.join(", ", WORKERS))));
        for (String worker : WORKERS) {
            graph.addNode(worker, node_async(state -> Map.of("findings",
                    List.of(worker + " on \"" + current(state) + "\": done"))));
            graph.addEdge("planner", worker);
            graph.addEdge(worker, "summarizer");
        }
        graph.addNode("summarizer", node_async(state -> {
            String request = current(state);
            long findings = state.<List<String>>value("findings").orElse(List.of()).stream()
                    .filter(f -> f.contains("\"" + request + "\"")).count();
            return Map.of("summaries", List.of(request + ": " + findings + " findings"));
        }));
        graph.addEdge(StateGraph.START, "planner");
        graph.addEdge("summarizer", StateGraph.END);
        return graph.compile(CompileConfig.builder().checkpointSaver(saver).build());
    }

    private static Map<String, Object> input(String request) {
        return Map.of("current", request, "requests", List.of(request));
    }

    private static String current(AgentState state) {
        return state.<String>value("current").orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<String> listOf(Checkpoint checkpoint, String key) {
        return (List<String>) checkpoint.getState().getOrDefault(key, List.of());
    }

    private static List<String> union(List<String> old, List<String> added) {
        List<String> all = new ArrayList<>(old);
        added.stream().filter(item -> !all.contains(item)).forEach(all::add);
        return all;
    }

    private static boolean isChain(List<StoredCheckpoint> newestFirst) {
        for (int i = 0; i + 1 < newestFirst.size(); i++) {
            if (!Objects.equals(newestFirst.get(i).parentId(), newestFirst.get(i + 1).checkpointId())) {
                return false;
            }
        }
        return true;
    }

    private static String describe(List<String> lost) {
        return lost.isEmpty() ? "nothing" : lost.size() + " request(s) " + lost;
    }

    private static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Makes the first two request merges (one per handler, right after each loaded the thread) wait for each other, so
     * both handlers work from the same head, as two instances do when requests arrive together.
     */
    private static final class BothLoaded {
        private final CyclicBarrier barrier = new CyclicBarrier(REQUESTS.size());
        private final AtomicInteger toHold = new AtomicInteger();

        void arm() {
            toHold.set(REQUESTS.size());
        }

        void await() {
            if (toHold.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                try {
                    barrier.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the other request never arrived", e);
                }
            }
        }
    }
}
