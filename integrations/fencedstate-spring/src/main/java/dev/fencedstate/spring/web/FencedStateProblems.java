package dev.fencedstate.spring.web;

import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.ValueTooLargeException;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.spring.dao.FencedStateExceptionTranslator;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * The one mapping from fencedstate's exceptions to HTTP answers: an RFC 9457 problem document
 * ({@link ProblemDetail}, {@code application/problem+json}) with the {@link FencedStateProblemType}'s type, status and
 * title, a detail that says what happened and what to do, the facts a client needs as properties, and
 * {@code Retry-After} where retrying later can succeed. Bodies never carry a stack trace, and server-side failures
 * (5xx) carry no internal message (paths, SQL), only the facts a client can act on.
 *
 * <table>
 *   <caption>Answers</caption>
 *   <tr><th>type</th><th>status</th><th>properties</th><th>Retry-After</th></tr>
 *   <tr><td>version-conflict</td><td>409</td><td>key, expectedVersion, actualVersion</td><td>–</td></tr>
 *   <tr><td>retries-exhausted</td><td>409</td><td>key, attempts, elapsedMillis, and the last conflict's
 *       expectedVersion, actualVersion</td><td>1 s</td></tr>
 *   <tr><td>fenced-write</td><td>409</td><td>key, claimEpoch, currentEpoch</td><td>–</td></tr>
 *   <tr><td>claim-held</td><td>409</td><td>key, leaseDeadline</td><td>until the lease ends, at least 1 s</td></tr>
 *   <tr><td>invalid-key</td><td>400</td><td>–</td><td>–</td></tr>
 *   <tr><td>value-too-large</td><td>413</td><td>key, size, limit</td><td>–</td></tr>
 *   <tr><td>storage-failure</td><td>503</td><td>key, outcomeKnown, commitId</td><td>1 s if the outcome is known</td></tr>
 *   <tr><td>corrupt-state, unsupported-format</td><td>500</td><td>key</td><td>–</td></tr>
 * </table>
 * Every document also has {@code retryable} (the exception's {@link FencedStateException#isRetryable()}). Spring's
 * translations of these exceptions (the {@code DataAccessException}s of {@code dev.fencedstate.spring.dao}, whose
 * cause is the original) map as the original does.
 */
public final class FencedStateProblems {

    /** How long a client should wait before repeating an update that gave up, or a write the storage refused. */
    static final Duration RETRY_SOON = Duration.ofSeconds(1);

    private final Clock clock;

    /** Claims' {@code Retry-After} counts from the system clock. */
    public FencedStateProblems() {
        this(Clock.systemUTC());
    }

    /** @param clock the clock a held claim's {@code Retry-After} counts from (the backend's time, where known) */
    public FencedStateProblems(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One answer: the problem document, the {@code Retry-After} to send with it, and the exception it stands for. */
    public record Problem(FencedStateProblemType type, ProblemDetail body, @Nullable Duration retryAfter,
            FencedStateException exception) {

        /** The answer as a Spring MVC or WebFlux return value. */
        public ResponseEntity<ProblemDetail> toResponseEntity() {
            ResponseEntity.BodyBuilder response = ResponseEntity.status(type.status());
            if (retryAfter != null) {
                response.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter.toSeconds()));
            }
            return response.body(body);
        }
    }

    /** The answer for {@code failure}, or empty if it is not a fencedstate exception (or a translation of one). */
    public Optional<Problem> of(Throwable failure) {
        return FencedStateExceptionTranslator.original(failure).flatMap(exception -> FencedStateProblemType.of(exception)
                .map(type -> problem(type, exception)));
    }

    private Problem problem(FencedStateProblemType type, FencedStateException exception) {
        ProblemDetail body = ProblemDetail.forStatus(type.status());
        body.setType(type.uri());
        body.setTitle(type.title());
        boolean serverSide = type.status().is5xxServerError();
        body.setDetail(serverSide ? serverSideDetail(type, exception) : exception.getMessage());
        String key = exception.key();
        if (key != null && type != FencedStateProblemType.INVALID_KEY) {
            body.setProperty("key", key);
        }
        body.setProperty("retryable", exception.isRetryable());
        Duration retryAfter = null;
        if (exception instanceof RetriesExhaustedException exhausted) {
            body.setProperty("attempts", exhausted.attempts());
            body.setProperty("elapsedMillis", exhausted.elapsed().toMillis());
            exhausted.lastConflict().ifPresent(last -> versions(body, last));
            retryAfter = RETRY_SOON;
        } else if (exception instanceof VersionConflictException conflict) {
            versions(body, conflict);
        } else if (exception instanceof FencedWriteException fenced) {
            body.setProperty("claimEpoch", fenced.claimEpoch());
            body.setProperty("currentEpoch", fenced.currentEpoch());
        } else if (exception instanceof ClaimHeldException held) {
            body.setProperty("leaseDeadline", held.leaseDeadline().toString());
            Duration left = Duration.between(clock.instant(), held.leaseDeadline());
            retryAfter = Duration.ofSeconds(Math.max(1, left.getSeconds() + (left.getNano() > 0 ? 1 : 0)));
        } else if (exception instanceof ValueTooLargeException tooLarge) {
            body.setProperty("size", tooLarge.size());
            body.setProperty("limit", tooLarge.limit());
        } else if (exception instanceof StorageFailureException failure) {
            body.setProperty("outcomeKnown", failure.outcomeKnown());
            if (failure.commitId() != null) {
                body.setProperty("commitId", failure.commitId());
            }
            retryAfter = failure.outcomeKnown() ? RETRY_SOON : null;
        }
        return new Problem(type, body, retryAfter, exception);
    }

    private static void versions(ProblemDetail body, VersionConflictException conflict) {
        body.setProperty("expectedVersion", conflict.expectedVersion());
        body.setProperty("actualVersion", conflict.actualVersion());
    }

    /** What a client may know of a server-side failure: what happened to its request, never the server's internals. */
    private static String serverSideDetail(FencedStateProblemType type, FencedStateException exception) {
        String key = exception.key() == null ? "the request" : "key '" + dev.fencedstate.Keys.printable(
                Objects.requireNonNull(exception.key())) + "'";
        return switch (type) {
            case STORAGE_FAILURE -> ((StorageFailureException) exception).outcomeKnown()
                    ? "The storage failed while serving " + key + "; nothing was written. Try again."
                    : "The storage failed while committing to " + key + " and the outcome is unknown. Read the key: "
                            + "if its commitId is this problem's commitId, the write landed; if its version is still "
                            + "the one you wrote from, it did not.";
            case CORRUPT_STATE -> "The stored record of " + key + " is damaged and was left untouched; an operator "
                    + "must inspect it.";
            case UNSUPPORTED_FORMAT -> "The stored record of " + key + " was written by a newer fencedstate than this "
                    + "server runs; it was left untouched.";
            default -> type.title();
        };
    }
}
