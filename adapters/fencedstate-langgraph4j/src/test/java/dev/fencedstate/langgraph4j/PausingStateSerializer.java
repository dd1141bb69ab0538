package dev.fencedstate.langgraph4j;

import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.bsc.langgraph4j.serializer.StateSerializer;
import org.bsc.langgraph4j.serializer.std.ObjectStreamStateSerializer;
import org.bsc.langgraph4j.state.AgentState;

/**
 * LangGraph4j's own object-stream state serializer, with two pause points for threads armed for them, used to
 * reproduce the {@code FileSystemSaver} race deterministically: pause after the n-th state read (so a writer has loaded
 * the thread's file inside {@code put} and not yet written it back), and hold the first state write until a latch
 * opens (so the two writers write the file one after the other rather than into each other).
 */
final class PausingStateSerializer extends StateSerializer<AgentState> {

    private final ObjectStreamStateSerializer<AgentState> delegate = new ObjectStreamStateSerializer<>(AgentState::new);
    private final ThreadLocal<Integer> readsBeforePause = ThreadLocal.withInitial(() -> 0);
    private final ThreadLocal<CyclicBarrier> pauseBarrier = new ThreadLocal<>();
    private final ThreadLocal<CountDownLatch> holdWritesUntil = new ThreadLocal<>();

    PausingStateSerializer() {
        super(AgentState::new);
    }

    void armThisThread(int pauseAfterReads, CyclicBarrier barrier, CountDownLatch holdFirstWriteUntil) {
        readsBeforePause.set(pauseAfterReads);
        pauseBarrier.set(barrier);
        holdWritesUntil.set(holdFirstWriteUntil);
    }

    @Override
    public void writeData(Map<String, Object> data, ObjectOutput out) throws IOException {
        CountDownLatch hold = holdWritesUntil.get();
        if (hold != null) {
            holdWritesUntil.remove();
            try {
                if (!hold.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other writer never finished");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        delegate.writeData(data, out);
    }

    @Override
    public Map<String, Object> readData(ObjectInput in) throws IOException, ClassNotFoundException {
        Map<String, Object> data = delegate.readData(in);
        int left = readsBeforePause.get();
        if (left > 0) {
            readsBeforePause.set(left - 1);
            if (left == 1) {
                TestGraph.await(pauseBarrier.get());
            }
        }
        return data;
    }
}
