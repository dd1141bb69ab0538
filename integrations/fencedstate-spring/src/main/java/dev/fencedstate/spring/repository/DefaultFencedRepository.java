package dev.fencedstate.spring.repository;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.Keys;
import dev.fencedstate.Snapshot;
import dev.fencedstate.spring.FencedOperationObserver;
import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.Versioned;
import dev.fencedstate.spring.dao.FencedStateExceptionTranslator;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.EmptyResultDataAccessException;

/**
 * The implementation behind every {@code @FencedState} proxy: typed values over one {@link FencedStore}. An update is
 * the store's own {@link FencedStore#update}, so it takes its turn behind other updates of the key in this process
 * and retries conflicts with the store's retrier; nothing here retries. Each write is observed, and every
 * fencedstate exception is translated into Spring's data-access family on the way out.
 */
final class DefaultFencedRepository<T> implements FencedRepository<T> {

    private final FencedStore store;
    private final JsonValueCodec<T> codec;
    private final FencedStateExceptionTranslator translator;
    private final FencedOperationObserver observer;

    DefaultFencedRepository(FencedStore store, JsonValueCodec<T> codec, FencedStateExceptionTranslator translator,
            FencedOperationObserver observer) {
        this.store = Objects.requireNonNull(store, "store");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.translator = Objects.requireNonNull(translator, "translator");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    @Override
    public String storeName() {
        return store.name();
    }

    @Override
    public Optional<T> get(String key) {
        return Optional.ofNullable(read(key).value());
    }

    @Override
    public Versioned<T> read(String key) {
        Snapshot snapshot = translating(() -> store.read(key));
        return new Versioned<>(codec.decode(snapshot), snapshot);
    }

    @Override
    public List<String> keys() {
        return translating(store::keys);
    }

    @Override
    public T update(String key, UnaryOperator<T> change) {
        Objects.requireNonNull(change, "change");
        return updating(key, null, change);
    }

    @Override
    public T update(String key, T initial, UnaryOperator<T> change) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(change, "change");
        return updating(key, initial, change);
    }

    @Override
    public boolean delete(String key) {
        // There is no retried delete in core; the store's retrier repeats the read and the conditional delete.
        return translating(() -> observer.observe(storeName(), "delete", key, () -> store.retrier().call(key, () -> {
            Snapshot base = store.read(key);
            if (!base.exists()) {
                return false;
            }
            store.delete(base);
            return true;
        })));
    }

    @Override
    public Claim claim(String key) {
        return translating(() -> store.claim(key));
    }

    @Override
    public Claim claim(String key, Duration lease) {
        return translating(() -> store.claim(key, lease));
    }

    @Override
    public Claim renew(Claim claim) {
        return translating(() -> store.renew(claim));
    }

    @Override
    public boolean release(Claim claim) {
        return translating(() -> store.release(claim));
    }

    @Override
    public Versioned<T> commit(Claim claim, T value) {
        return commitUnderClaim(claim, claim.snapshot(), value);
    }

    @Override
    public Versioned<T> commit(Claim claim, Versioned<T> base, T value) {
        return commitUnderClaim(claim, base.snapshot(), value);
    }

    @Override
    public Versioned<T> delete(Claim claim, Versioned<T> base) {
        Snapshot deleted = translating(() -> observer.observe(storeName(), "delete", claim.key(),
                () -> store.delete(claim, base.snapshot())));
        return new Versioned<>(null, deleted);
    }

    @Override
    public String toString() {
        return "FencedRepository[store=" + storeName() + ", value=" + codec.type() + "]";
    }

    /** {@code initial == null}: the key must have a value. */
    private T updating(String key, @Nullable T initial, UnaryOperator<T> change) {
        // The attempt that committed is the last one computed; its value is what the caller gets back.
        @SuppressWarnings("unchecked")
        T[] committed = (T[]) new Object[1];
        translating(() -> observer.observe(storeName(), "update", key, () -> store.update(key, snapshot -> {
            T current = codec.decode(snapshot);
            if (current == null && initial == null) {
                throw new EmptyResultDataAccessException("Key '" + Keys.printable(key) + "' of store '" + storeName()
                        + "' has no value to update. Use update(key, initial, change) to create it.", 1);
            }
            T next = Objects.requireNonNull(change.apply(current != null ? current : Objects.requireNonNull(initial)),
                    "the update function returned null; return a value, or use delete to remove a key's value");
            byte[] bytes = codec.encode(key, next);
            committed[0] = next;
            return bytes;
        })));
        return committed[0];
    }

    private Versioned<T> commitUnderClaim(Claim claim, Snapshot base, T value) {
        byte[] bytes = codec.encode(claim.key(), value);
        Snapshot written = translating(() -> observer.observe(storeName(), "commit", claim.key(),
                () -> store.commit(claim, base, bytes)));
        return new Versioned<>(value, written);
    }

    private <R> R translating(Supplier<R> operation) {
        try {
            return operation.get();
        } catch (FencedStateException e) {
            throw translator.translate(e);
        }
    }
}
