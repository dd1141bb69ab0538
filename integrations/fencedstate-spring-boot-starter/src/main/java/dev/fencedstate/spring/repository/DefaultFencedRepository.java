package dev.fencedstate.spring.repository;

import dev.fencedstate.Claim;
import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedStoreListener.CommitOutcome;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.Keys;
import dev.fencedstate.Snapshot;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.Versioned;
import dev.fencedstate.spring.dao.FencedStateExceptionTranslator;
import dev.fencedstate.spring.dao.VersionConflictDataAccessException;
import dev.fencedstate.spring.metrics.FencedStateMetricNames;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.dao.EmptyResultDataAccessException;

/**
 * The implementation behind every {@code @FencedState} proxy: typed values over one {@link FencedStore}, conflicts
 * retried by the store's {@link RetryTemplate} around the whole read, compute and commit, each commit observed, and
 * every fencedstate exception translated into Spring's data-access family on the way out.
 */
final class DefaultFencedRepository<T> implements FencedRepository<T> {

    private final FencedStores.Entry entry;
    private final FencedStore store;
    private final JsonValueCodec<T> codec;
    private final FencedStateExceptionTranslator translator;
    private final ObservationRegistry observations;

    DefaultFencedRepository(FencedStores.Entry entry, JsonValueCodec<T> codec, FencedStateExceptionTranslator translator,
            ObservationRegistry observations) {
        this.entry = Objects.requireNonNull(entry, "entry");
        this.store = entry.store();
        this.codec = Objects.requireNonNull(codec, "codec");
        this.translator = Objects.requireNonNull(translator, "translator");
        this.observations = Objects.requireNonNull(observations, "observations");
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
        return retryingUpdate(key, current -> {
            if (current == null) {
                throw new EmptyResultDataAccessException("Key '" + Keys.printable(key) + "' of store '" + storeName()
                        + "' has no value to update. Use update(key, initial, change) to create it.", 1);
            }
            return change.apply(current);
        });
    }

    @Override
    public T update(String key, T initial, UnaryOperator<T> change) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(change, "change");
        return retryingUpdate(key, current -> change.apply(current == null ? initial : current));
    }

    @Override
    public boolean delete(String key) {
        return retrying("delete", key, () -> {
            Snapshot base = store.read(key);
            if (!base.exists()) {
                return false;
            }
            observed("delete", key, () -> store.delete(base));
            return true;
        });
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
        Snapshot deleted = translating(() -> observed("delete", claim.key(), () -> store.delete(claim, base.snapshot())));
        return new Versioned<>(null, deleted);
    }

    @Override
    public String toString() {
        return "FencedRepository[store=" + storeName() + ", value=" + codec.type() + "]";
    }

    private Versioned<T> commitUnderClaim(Claim claim, Snapshot base, T value) {
        byte[] bytes = codec.encode(claim.key(), value);
        Snapshot committed = translating(() -> observed("commit", claim.key(), () -> store.commit(claim, base, bytes)));
        return new Versioned<>(value, committed);
    }

    private T retryingUpdate(String key, Function<@Nullable T, T> compute) {
        return retrying("update", key, () -> {
            Snapshot base = store.read(key);
            T next = Objects.requireNonNull(compute.apply(codec.decode(base)),
                    "the update function returned null; return a value, or use delete to remove a key's value");
            byte[] bytes = codec.encode(key, next);
            observed("commit", key, () -> store.commit(base, bytes));
            return next;
        });
    }

    /** Runs {@code attempt} under the store's RetryTemplate; only version conflicts are repeated. */
    private <R> R retrying(String operation, String key, Supplier<R> attempt) {
        ConflictRetryable<R> retryable = new ConflictRetryable<>(operation, storeName(), key, entry.listener(), attempt);
        RetryTemplate retryTemplate = entry.retryTemplate();
        try {
            return retryTemplate.execute(retryable);
        } catch (RetryException e) {
            Throwable last = e.getCause();
            if (last instanceof VersionConflictException conflict && retryable.attempts() > 1) {
                throw new VersionConflictDataAccessException("Store '" + storeName() + "': still conflicting after "
                        + retryable.attempts() + " attempts. " + conflict.getMessage(), conflict);
            }
            if (last instanceof FencedStateException fencedStateException) {
                throw translator.translate(fencedStateException);
            }
            if (last instanceof RuntimeException runtimeException) {
                throw runtimeException;
            }
            if (last instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private <R> R translating(Supplier<R> operation) {
        try {
            return operation.get();
        } catch (FencedStateException e) {
            throw translator.translate(e);
        }
    }

    /** One commit or delete attempt, as an observation (a timer with a meter handler, a span with a tracer). */
    @SuppressWarnings("try") // the scope is opened for its side effect: the write runs inside the observation
    private Snapshot observed(String operation, String key, Supplier<Snapshot> write) {
        Observation observation = Observation.createNotStarted(FencedStateMetricNames.COMMIT_OBSERVATION, observations)
                .contextualName("fencedstate " + operation + " " + storeName())
                .lowCardinalityKeyValue(FencedStateMetricNames.TAG_STORE, storeName())
                .lowCardinalityKeyValue(FencedStateMetricNames.TAG_OPERATION, operation)
                .highCardinalityKeyValue(FencedStateMetricNames.KEY_KEY, key)
                .start();
        try (Observation.Scope scope = observation.openScope()) {
            Snapshot result = write.get();
            observation.lowCardinalityKeyValue(FencedStateMetricNames.TAG_OUTCOME,
                    FencedStateMetricNames.outcome(CommitOutcome.COMMITTED));
            return result;
        } catch (RuntimeException e) {
            CommitOutcome outcome = outcomeOf(e);
            observation.lowCardinalityKeyValue(FencedStateMetricNames.TAG_OUTCOME, FencedStateMetricNames.outcome(outcome));
            if (outcome == CommitOutcome.FAILED || outcome == CommitOutcome.FENCED) {
                // Conflicts and held claims are expected outcomes of concurrency; a zombie or a broken backend is not.
                observation.error(e);
            }
            throw e;
        } finally {
            observation.stop();
        }
    }

    private static CommitOutcome outcomeOf(RuntimeException e) {
        if (e instanceof VersionConflictException) {
            return CommitOutcome.CONFLICT;
        }
        if (e instanceof FencedWriteException) {
            return CommitOutcome.FENCED;
        }
        if (e instanceof ClaimHeldException) {
            return CommitOutcome.CLAIM_HELD;
        }
        return CommitOutcome.FAILED;
    }
}
