package dev.fencedstate.langgraph4j;

import dev.fencedstate.spi.ForwardingStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.jspecify.annotations.Nullable;

/**
 * A storage that, on threads armed for it, waits at a barrier before its first conditional write, so two writers are
 * forced to both read a record before either writes it. Everything else is the wrapped storage's.
 */
final class PausingStorage extends ForwardingStorage {

    private final CyclicBarrier barrier;
    private final ThreadLocal<Boolean> armed = ThreadLocal.withInitial(() -> false);

    PausingStorage(StateStorage delegate, CyclicBarrier barrier) {
        super(delegate);
        this.barrier = barrier;
    }

    /** The calling thread's next conditional write waits at the barrier first (once). */
    void armThisThread() {
        armed.set(true);
    }


    @Override
    public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected, StoredRecord replacement) {
        if (armed.get()) {
            armed.set(false);
            TestGraph.await(barrier);
        }
        return delegate().compareAndSet(expected, replacement);
    }


    @Override
    public String describe() {
        return "pausing " + delegate().describe();
    }

}
