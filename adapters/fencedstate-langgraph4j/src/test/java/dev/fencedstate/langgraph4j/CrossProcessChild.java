package dev.fencedstate.langgraph4j;

import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.file.FileStorage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.state.AgentState;

/**
 * The other process of {@link CrossProcessIT}: a writer on the same state directory. It reports each step on a line
 * of stdout and waits for "GO" on stdin where the test needs it paused.
 * <ul>
 *   <li>{@code conflict DIR THREAD}: opens a run, reads the thread (updateState), says READ, waits, then puts.</li>
 *   <li>{@code dropin DIR THREAD}: runs the graph with a plain config (no run), says READ once it has read the
 *       thread, waits, then checkpoints; on a conflict says CONFLICT, runs the graph again and says RETRIED.</li>
 *   <li>{@code zombie DIR THREAD}: claims the thread, runs the graph, says STALLED in the work node, waits, then
 *       tries to checkpoint the step.</li>
 * </ul>
 */
public final class CrossProcessChild {

    private CrossProcessChild() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        String thread = args[2];
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Runnable pause = () -> {
            try {
                String line = stdin.readLine();
                if (!"GO".equals(line)) {
                    throw new IllegalStateException("expected GO, got " + line);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        };
        try (FencedStore store = FencedStore.builder(FileStorage.open(dir)).writerId("child").build()) {
            FencedCheckpointSaver saver = FencedCheckpointSaver.of(store);
            switch (mode) {
                case "conflict" -> conflict(saver, thread, pause);
                case "dropin" -> dropIn(saver, thread, pause);
                case "zombie" -> zombie(saver, thread, pause);
                default -> throw new IllegalArgumentException(mode);
            }
        }
        System.out.flush();
    }

    private static void conflict(FencedCheckpointSaver saver, String thread, Runnable pause) throws Exception {
        CompiledGraph<AgentState> graph = TestGraph.compile(saver, added -> {
            say("READ");
            pause.run();
        }, config -> { });
        try {
            var written = graph.updateState(saver.openRun(thread).config(),
                    Map.of(TestGraph.LOG, List.of("note:child")));
            say("WROTE " + written.checkPointId().orElse("?"));
        } catch (CheckpointConflictException conflict) {
            say("CONFLICT " + conflict.expectedHead().orElse("-") + " " + conflict.actualHead().orElse("-"));
        }
    }

    private static void dropIn(FencedCheckpointSaver saver, String thread, Runnable pause) {
        AtomicBoolean paused = new AtomicBoolean();
        CompiledGraph<AgentState> graph = TestGraph.compile(saver, added -> {
            if (added.contains("in:child") && paused.compareAndSet(false, true)) {
                say("READ");
                pause.run();
            }
        }, config -> { });
        RunnableConfig plain = RunnableConfig.builder().threadId(thread).build();
        try {
            graph.invoke(TestGraph.input("child"), plain);
            say("WROTE");
        } catch (RuntimeException failure) {
            if (FencedCheckpointSaver.fencedCauseOf(failure).orElse(null)
                    instanceof CheckpointConflictException conflict) {
                say("CONFLICT " + conflict.expectedHead().orElse("-") + " " + conflict.actualHead().orElse("-"));
                graph.invoke(TestGraph.input("child"), plain); // what the exception says: read again, redo
                say("RETRIED " + saver.history(thread).get(0).checkpointId());
            } else {
                say("FAILED " + failure);
            }
        }
    }

    private static void zombie(FencedCheckpointSaver saver, String thread, Runnable pause) {
        CompiledGraph<AgentState> graph = TestGraph.compile(saver, added -> { }, config -> {
            say("STALLED");
            pause.run();
        });
        FencedRun run = saver.claimRun(thread, Duration.ofMinutes(10));
        try {
            graph.invoke(TestGraph.input("child"), run.config());
            say("DONE");
        } catch (RuntimeException failure) {
            Optional<FencedStateException> cause = FencedCheckpointSaver.fencedCauseOf(failure);
            if (cause.orElse(null) instanceof FencedWriteException fenced) {
                say("FENCED " + fenced.claimEpoch() + " " + fenced.currentEpoch());
            } else {
                say("FAILED " + failure);
            }
        } finally {
            run.close();
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
