package dev.fencedstate.benchmarks;

import dev.fencedstate.spi.ForwardingStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Wraps a real backend and adds up the time spent in each SPI call, to split a fenced commit's time into its reads,
 * its conditional write, and {@code FencedStore}'s own work (the rest). Two {@code nanoTime} calls per SPI call are
 * all it adds.
 */
final class TimingStorage extends ForwardingStorage {

    final LongAdder reads = new LongAdder();
    final LongAdder readNanos = new LongAdder();
    final LongAdder compareAndSets = new LongAdder();
    final LongAdder compareAndSetNanos = new LongAdder();

    TimingStorage(StateStorage delegate) {
        super(delegate);
    }

    void reset() {
        reads.reset();
        readNanos.reset();
        compareAndSets.reset();
        compareAndSetNanos.reset();
    }

    @Override
    public StorageRead read(String key) {
        long started = System.nanoTime();
        try {
            return delegate().read(key);
        } finally {
            readNanos.add(System.nanoTime() - started);
            reads.increment();
        }
    }

    @Override
    public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected, StoredRecord replacement) {
        long started = System.nanoTime();
        try {
            return delegate().compareAndSet(expected, replacement);
        } finally {
            compareAndSetNanos.add(System.nanoTime() - started);
            compareAndSets.increment();
        }
    }


    @Override
    public String describe() {
        return "timed " + delegate().describe();
    }

}
