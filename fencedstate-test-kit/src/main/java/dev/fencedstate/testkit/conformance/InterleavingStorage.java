package dev.fencedstate.testkit.conformance;

import dev.fencedstate.spi.ForwardingStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A storage that lets the conformance driver step inside an operation: it can run another writer's whole operation
 * between an operation's read and its compare-and-set (the spec allows any steps there), and it records the backend
 * time of every read, which is the time the operation decided with. Single-threaded by design: the driver is.
 */
final class InterleavingStorage extends ForwardingStorage {

    private @Nullable Runnable beforeNextCompareAndSet;
    private List<Instant> reads = new ArrayList<>();

    InterleavingStorage(StateStorage delegate) {
        super(delegate);
    }

    /** Runs {@code interloper} once, just before the next compare-and-set reaches the backend. */
    void beforeNextCompareAndSet(Runnable interloper) {
        this.beforeNextCompareAndSet = interloper;
    }

    /** Cancels an interloper that did not run; returns whether it did run. */
    boolean disarm() {
        boolean ran = beforeNextCompareAndSet == null;
        beforeNextCompareAndSet = null;
        return ran;
    }

    /** Records the time of each following read into {@code sink}; returns the previous sink. */
    List<Instant> recordReadsInto(List<Instant> sink) {
        List<Instant> previous = reads;
        reads = sink;
        return previous;
    }

    @Override
    public StorageRead read(String key) {
        StorageRead read = delegate().read(key);
        reads.add(read.now());
        return read;
    }

    @Override
    public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected, StoredRecord replacement) {
        Runnable interloper = beforeNextCompareAndSet;
        if (interloper != null) {
            beforeNextCompareAndSet = null;
            interloper.run();
        }
        return delegate().compareAndSet(expected, replacement);
    }


    @Override
    public String describe() {
        return "interleaving(" + delegate().describe() + ")";
    }
}
