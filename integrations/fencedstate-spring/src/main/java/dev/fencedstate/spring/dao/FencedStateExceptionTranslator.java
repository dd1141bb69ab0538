package dev.fencedstate.spring.dao;

import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.CorruptStateException;
import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.InvalidKeyException;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.UnsupportedFormatException;
import dev.fencedstate.ValueTooLargeException;
import dev.fencedstate.VersionConflictException;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.NonTransientDataAccessResourceException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.dao.support.PersistenceExceptionTranslator;

/**
 * Translates fencedstate's exceptions into Spring's {@link DataAccessException} family, keeping the original as the
 * cause:
 * <table>
 *   <caption>Translations</caption>
 *   <tr><th>fencedstate</th><th>Spring</th><th>transient?</th></tr>
 *   <tr><td>{@link VersionConflictException}</td><td>{@link VersionConflictDataAccessException}
 *       (an {@code OptimisticLockingFailureException})</td><td>yes</td></tr>
 *   <tr><td>{@link RetriesExhaustedException}</td><td>{@link RetriesExhaustedDataAccessException}
 *       (an {@code OptimisticLockingFailureException})</td><td>yes, later</td></tr>
 *   <tr><td>{@link ClaimHeldException}</td><td>{@link ClaimHeldDataAccessException}
 *       (a {@code PessimisticLockingFailureException})</td><td>yes</td></tr>
 *   <tr><td>{@link FencedWriteException}</td><td>{@link FencedWriteDataAccessException}
 *       (a {@code NonTransientDataAccessException})</td><td>no</td></tr>
 *   <tr><td>{@link InvalidKeyException}, {@link ValueTooLargeException}</td>
 *       <td>{@link InvalidDataAccessApiUsageException}</td><td>no</td></tr>
 *   <tr><td>{@link CorruptStateException}, {@link UnsupportedFormatException}</td>
 *       <td>{@link DataIntegrityViolationException}</td><td>no</td></tr>
 *   <tr><td>{@link StorageFailureException}, nothing written</td><td>{@link TransientDataAccessResourceException}</td>
 *       <td>yes</td></tr>
 *   <tr><td>{@link StorageFailureException}, outcome unknown</td><td>{@link DataAccessResourceFailureException}</td>
 *       <td>no: read the key to learn whether the write landed</td></tr>
 * </table>
 * It is a {@link PersistenceExceptionTranslator}, so Spring's exception translation post-processor can apply it to
 * {@code @Repository} beans that use a {@link dev.fencedstate.FencedStore} directly.
 */
public class FencedStateExceptionTranslator implements PersistenceExceptionTranslator {

    @Override
    public @Nullable DataAccessException translateExceptionIfPossible(RuntimeException ex) {
        return ex instanceof FencedStateException fencedStateException ? translate(fencedStateException) : null;
    }

    /**
     * The fencedstate exception behind {@code failure}: itself, or the cause of one of this translator's
     * translations of it (every translation keeps the original as its cause); empty for anything else.
     */
    public static java.util.Optional<FencedStateException> original(Throwable failure) {
        if (failure instanceof FencedStateException own) {
            return java.util.Optional.of(own);
        }
        if (failure instanceof DataAccessException && failure.getCause() instanceof FencedStateException translated) {
            return java.util.Optional.of(translated);
        }
        return java.util.Optional.empty();
    }

    /** The Spring exception for {@code ex}; never {@code null}. */
    public DataAccessException translate(FencedStateException ex) {
        if (ex instanceof RetriesExhaustedException exhausted) {
            return new RetriesExhaustedDataAccessException(exhausted);
        }
        if (ex instanceof VersionConflictException conflict) {
            return new VersionConflictDataAccessException(conflict);
        }
        if (ex instanceof FencedWriteException fenced) {
            return new FencedWriteDataAccessException(fenced);
        }
        if (ex instanceof ClaimHeldException held) {
            return new ClaimHeldDataAccessException(held);
        }
        if (ex instanceof InvalidKeyException || ex instanceof ValueTooLargeException) {
            return new InvalidDataAccessApiUsageException(ex.getMessage(), ex);
        }
        if (ex instanceof CorruptStateException || ex instanceof UnsupportedFormatException) {
            return new DataIntegrityViolationException(ex.getMessage(), ex);
        }
        if (ex instanceof StorageFailureException failure) {
            return failure.outcomeKnown()
                    ? new TransientDataAccessResourceException(ex.getMessage(), ex)
                    : new DataAccessResourceFailureException(ex.getMessage(), ex);
        }
        return new NonTransientDataAccessResourceException(String.valueOf(ex.getMessage()), ex);
    }
}
