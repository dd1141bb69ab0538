package dev.fencedstate.spring;

import dev.fencedstate.Claim;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Typed, fenced access to the keys of one store. Extend it in an interface annotated with {@link FencedState}; the
 * fencedstate implements it, storing values as JSON written by the application's Jackson {@code JsonMapper}.
 *
 * <p><b>Errors</b> are Spring {@link org.springframework.dao.DataAccessException}s: a version conflict is a
 * {@link dev.fencedstate.spring.dao.VersionConflictDataAccessException} and an update that spent its retry budget a
 * {@link dev.fencedstate.spring.dao.RetriesExhaustedDataAccessException} (both
 * {@link org.springframework.dao.OptimisticLockingFailureException}s, transient), a write under a lost claim a
 * {@link dev.fencedstate.spring.dao.FencedWriteDataAccessException} (non-transient, never retried), a claim held by
 * another writer a {@link dev.fencedstate.spring.dao.ClaimHeldDataAccessException} (a transient locking failure).
 * The original fencedstate exception is always the cause.
 *
 * <p><b>Updates</b> are the store's own {@link dev.fencedstate.FencedStore#update}: updates of one key from this
 * process take turns, so they never conflict with each other, and a conflict with another process or host runs the
 * whole read, compute and commit again, as the store's {@link dev.fencedstate.RetryPolicy} allows (attempts and
 * time). The function may therefore run more than once and must not have side effects. {@link #delete(String)} is
 * retried the same way. Writes under a claim are never retried: a conflict there means somebody wrote after the
 * lease ran out, and a fenced writer must stop.
 *
 * @param <T> the value type, which the JSON mapper must be able to write and read back
 */
public interface FencedRepository<T> {

    /** The name of the store this repository writes to. */
    String storeName();

    /** The key's value, or empty if it has none. */
    Optional<T> get(String key);

    /** The key's value with its version and epoch, as a base for {@link #commit(Claim, Versioned, Object)}. */
    Versioned<T> read(String key);

    /** Every key of the store that has a record (including deleted keys), sorted. */
    List<String> keys();

    /**
     * Reads the key, applies {@code change} to its value and commits the result if nobody committed in between;
     * on a version conflict does all three again, as the store's retry policy allows. For a key that must exist.
     *
     * @return the value committed
     * @throws org.springframework.dao.EmptyResultDataAccessException if the key has no value; use
     *         {@link #update(String, Object, UnaryOperator)} to create it
     * @throws dev.fencedstate.spring.dao.RetriesExhaustedDataAccessException if the retry budget was spent
     */
    T update(String key, UnaryOperator<T> change);

    /**
     * Like {@link #update(String, UnaryOperator)}, but applies {@code change} to {@code initial} if the key has no
     * value: the form to use when the first update of a key creates it.
     */
    T update(String key, T initial, UnaryOperator<T> change);

    /**
     * Deletes the key's value, retrying version conflicts like {@link #update}. The key keeps its version and epoch.
     *
     * @return {@code true} if a value was deleted, {@code false} if the key had none
     */
    boolean delete(String key);

    /** Claims an exclusive write grant on the key with the store's default lease. */
    Claim claim(String key);

    /** Claims an exclusive write grant on the key for {@code lease}; granting bumps the key's epoch. */
    Claim claim(String key, Duration lease);

    /** Extends a still-current claim by the store's default lease. */
    Claim renew(Claim claim);

    /** Ends the claim (bumping the epoch); {@code false} if it had already ended. */
    boolean release(Claim claim);

    /**
     * Commits {@code value} under {@code claim}, based on the key as it was when the claim was granted or renewed:
     * the first write under a fresh claim. Fenced if the claim was reclaimed, revoked or released since.
     */
    Versioned<T> commit(Claim claim, T value);

    /** Commits {@code value} under {@code claim} if the key is still at {@code base}'s version. Never retried. */
    Versioned<T> commit(Claim claim, Versioned<T> base, T value);

    /** Deletes the key's value under {@code claim} if the key is still at {@code base}'s version. Never retried. */
    Versioned<T> delete(Claim claim, Versioned<T> base);
}
