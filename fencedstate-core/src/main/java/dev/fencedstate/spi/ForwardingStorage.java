package dev.fencedstate.spi;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A storage that forwards every call to another one: the base for decorators (timing, tracing, fault injection in
 * tests) that override only what they observe or change. Forwarding is the whole contract, so a decorator that
 * overrides nothing behaves exactly as its delegate.
 */
public class ForwardingStorage implements StateStorage {

    private final StateStorage delegate;

    public ForwardingStorage(StateStorage delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The storage calls are forwarded to. */
    protected final StateStorage delegate() {
        return delegate;
    }

    @Override
    public StorageRead read(String key) {
        return delegate.read(key);
    }

    @Override
    public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected, StoredRecord replacement) {
        return delegate.compareAndSet(expected, replacement);
    }

    @Override
    public List<String> keys() {
        return delegate.keys();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
