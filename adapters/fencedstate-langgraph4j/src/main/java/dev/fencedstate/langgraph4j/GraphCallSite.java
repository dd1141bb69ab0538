package dev.fencedstate.langgraph4j;

import java.util.Iterator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which LangGraph4j operation a saver call without a {@link FencedRun} is made for, read from the calling Java
 * thread's stack. LangGraph4j passes a saver neither a run id nor the head a run started from; the stack is the one
 * thing that tells a flow's own calls (the read that starts a run or an {@code updateState}, and the puts that follow
 * it on the same Java thread) from everything else: state readers ({@code getState}), puts made from a future's
 * callback on another thread (an asynchronous node, a parallel node's executor), and direct calls.
 *
 * <p>It matches LangGraph4j 1.8.17's {@code CompiledGraph} by class and method name. If a LangGraph4j version renames
 * them, every call classifies as {@link #OTHER}: puts are then appended unchecked (today's behaviour without a run),
 * never refused by mistake; the drop-in tests of this module fail loudly on such an upgrade.
 */
enum GraphCallSite {

    /** A read by {@code invoke}/{@code stream} with inputs, before the run's first ({@code __START__}) checkpoint. */
    RUN_START,
    /** A read by {@code invoke}/{@code stream} resuming a run (no inputs), before its next node's checkpoint. */
    RUN_RESUME,
    /** The read, or the put, of {@code CompiledGraph.updateState}: both are made on the caller's thread. */
    UPDATE_STATE,
    /** A run's checkpoint, put from inside the run's {@code next()}: on the Java thread that consumes the run. */
    RUN_STEP,
    /**
     * A run's checkpoint, put from a future's completion on a thread that is not consuming the run: the node's
     * future completed there (an asynchronous node, a parallel node's executor). Not attributable to a flow.
     */
    RUN_STEP_DETACHED,
    /** Anything else: a state reader, a direct call on the saver. */
    OTHER;

    private static final String GRAPH = "org.bsc.langgraph4j.CompiledGraph";
    private static final String GENERATOR = GRAPH + "$AsyncNodeGenerator";
    /** Deep enough for a put made inside a node's future chain; the walk stops at the frame that decides. */
    private static final int MAX_FRAMES = 256;
    private static final StackWalker WALKER = StackWalker.getInstance(Set.of(), 32);

    /** Classifies a {@code get}: which flow, if any, the read starts. */
    static GraphCallSite ofRead() {
        return WALKER.walk(frames -> graphFrames(frames).findFirst().map(frame -> {
            if (is(frame, GRAPH, "initialState")) {
                return RUN_START;
            }
            if (is(frame, GENERATOR, "<init>")) {
                return RUN_RESUME;
            }
            // stateOf/getState and other readers start no write
            return is(frame, GRAPH, "updateState") ? UPDATE_STATE : OTHER;
        }).orElse(OTHER));
    }

    /** Classifies a {@code put}. */
    static GraphCallSite ofPut() {
        return WALKER.walk(frames -> {
            Iterator<StackWalker.StackFrame> outward = graphFrames(frames).iterator();
            if (!outward.hasNext()) {
                return OTHER;
            }
            StackWalker.StackFrame first = outward.next();
            if (is(first, GRAPH, "updateState")) {
                return UPDATE_STATE;
            }
            if (!is(first, GRAPH, "addCheckpoint")) {
                return OTHER;
            }
            while (outward.hasNext()) {
                if (is(outward.next(), GENERATOR, "next")) {
                    return RUN_STEP;
                }
            }
            return RUN_STEP_DETACHED;
        });
    }

    /** The CompiledGraph frames on the stack, innermost first, without lambda frames; lazily, so a walk stops early. */
    private static Stream<StackWalker.StackFrame> graphFrames(Stream<StackWalker.StackFrame> frames) {
        return frames.limit(MAX_FRAMES)
                .filter(frame -> frame.getClassName().startsWith(GRAPH))
                .filter(frame -> !frame.getMethodName().startsWith("lambda$"));
    }

    private static boolean is(StackWalker.StackFrame frame, String className, String methodName) {
        return frame.getClassName().equals(className) && frame.getMethodName().equals(methodName);
    }
}
