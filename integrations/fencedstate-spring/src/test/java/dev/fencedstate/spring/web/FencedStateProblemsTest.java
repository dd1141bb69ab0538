package dev.fencedstate.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.CorruptStateException;
import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.InvalidKeyException;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.Retrier;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.UnsupportedFormatException;
import dev.fencedstate.ValueTooLargeException;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.spring.dao.FencedStateExceptionTranslator;
import dev.fencedstate.testkit.ManualClock;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Each fencedstate exception, and its Spring translation, as its problem document. */
class FencedStateProblemsTest {

    private final ManualClock clock = ManualClock.create();
    private final FencedStateProblems problems = new FencedStateProblems(clock);

    private ResponseEntity<ProblemDetail> answer(Throwable failure) {
        return problems.of(failure).orElseThrow().toResponseEntity();
    }

    private static Map<String, Object> properties(ResponseEntity<ProblemDetail> answer) {
        return Objects.requireNonNull(Objects.requireNonNull(answer.getBody()).getProperties());
    }

    private static void assertType(ResponseEntity<ProblemDetail> answer, int status, String slug, String title) {
        ProblemDetail body = Objects.requireNonNull(answer.getBody());
        assertThat(answer.getStatusCode().value()).isEqualTo(status);
        assertThat(body.getStatus()).isEqualTo(status);
        assertThat(body.getType()).isEqualTo(URI.create("https://fencedstate.dev/problems/" + slug));
        assertThat(body.getTitle()).isEqualTo(title);
    }

    private static RetriesExhaustedException exhausted(int attempts) {
        Retrier retrier = Retrier.of(RetryPolicy.DEFAULT.withMaxAttempts(attempts)).withSleeper(wait -> { });
        try {
            retrier.call("plan-1", () -> {
                throw new VersionConflictException("plan-1", 4, 5);
            });
        } catch (RetriesExhaustedException e) {
            return e;
        }
        throw new AssertionError("did not give up");
    }

    @Test
    @DisplayName("a version conflict: 409 version-conflict with the key and both versions, no Retry-After")
    void versionConflict() {
        ResponseEntity<ProblemDetail> answer = answer(new VersionConflictException("plan-1", 4, 5));
        assertType(answer, 409, "version-conflict", "Version conflict");
        assertThat(properties(answer)).containsEntry("key", "plan-1").containsEntry("expectedVersion", 4L)
                .containsEntry("actualVersion", 5L).containsEntry("retryable", true);
        assertThat(answer.getHeaders().get(HttpHeaders.RETRY_AFTER)).isNull();
    }

    @Test
    @DisplayName("retries exhausted: 409 retries-exhausted with key, attempts and the last versions, Retry-After 1")
    void retriesExhausted() {
        ResponseEntity<ProblemDetail> answer = answer(exhausted(3));
        assertType(answer, 409, "retries-exhausted", "Retries exhausted");
        assertThat(properties(answer)).containsEntry("key", "plan-1").containsEntry("attempts", 3)
                .containsEntry("expectedVersion", 4L).containsEntry("actualVersion", 5L)
                .containsEntry("retryable", true).containsKey("elapsedMillis");
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(answer.getBody().getDetail()).contains("Gave up on key 'plan-1' after 3 attempts")
                .contains("Nothing was written");
    }

    @Test
    @DisplayName("a fenced write: 409 with its own type, fenced-write, and both epochs; not retryable")
    void fenced() {
        ResponseEntity<ProblemDetail> answer = answer(new FencedWriteException("plan-1", 2, 3));
        assertType(answer, 409, "fenced-write", "Fenced write");
        assertThat(properties(answer)).containsEntry("claimEpoch", 2L).containsEntry("currentEpoch", 3L)
                .containsEntry("retryable", false);
        assertThat(answer.getHeaders().get(HttpHeaders.RETRY_AFTER)).isNull();
    }

    @Test
    @DisplayName("a held claim: 409 claim-held with the deadline, Retry-After until the lease ends (rounded up)")
    void claimHeld() {
        ResponseEntity<ProblemDetail> answer = answer(new ClaimHeldException("plan-1", "worker-2",
                clock.instant().plus(Duration.ofMillis(7_200))));
        assertType(answer, 409, "claim-held", "Claim held");
        assertThat(properties(answer)).containsEntry("leaseDeadline",
                clock.instant().plus(Duration.ofMillis(7_200)).toString());
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("8");
        ResponseEntity<ProblemDetail> ended = answer(new ClaimHeldException("plan-1", "worker-2",
                clock.instant().minusSeconds(1)));
        assertThat(ended.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
    }

    @Test
    @DisplayName("an invalid key: 400 invalid-key, the key not echoed as a property")
    void invalidKey() {
        ResponseEntity<ProblemDetail> answer = answer(new InvalidKeyException("a\u0000b", "control characters"));
        assertType(answer, 400, "invalid-key", "Invalid key");
        assertThat(properties(answer)).doesNotContainKey("key").containsEntry("retryable", false);
        assertThat(answer.getBody().getDetail()).doesNotContain("\u0000");
    }

    @Test
    @DisplayName("a value too large: 413 value-too-large with size and limit")
    void tooLarge() {
        ResponseEntity<ProblemDetail> answer = answer(new ValueTooLargeException("plan-1", 2000, 1024));
        assertType(answer, 413, "value-too-large", "Value too large");
        assertThat(properties(answer)).containsEntry("size", 2000L).containsEntry("limit", 1024L);
    }

    @Test
    @DisplayName("a storage failure: 503 with outcomeKnown; Retry-After only if nothing was written; no internals")
    void storageFailure() {
        ResponseEntity<ProblemDetail> known = answer(new StorageFailureException("plan-1",
                "Timed out on /var/lib/secret/records/plan-1.rec", true, null, null));
        assertType(known, 503, "storage-failure", "Storage failure");
        assertThat(properties(known)).containsEntry("outcomeKnown", true).doesNotContainKey("commitId");
        assertThat(known.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(known.getBody().getDetail()).doesNotContain("/var/lib").contains("nothing was written");

        ResponseEntity<ProblemDetail> unknown = answer(new StorageFailureException("plan-1",
                "ERROR: terminating connection due to administrator command", false, "c-42", null));
        assertThat(properties(unknown)).containsEntry("outcomeKnown", false).containsEntry("commitId", "c-42");
        assertThat(unknown.getHeaders().get(HttpHeaders.RETRY_AFTER)).isNull();
        assertThat(unknown.getBody().getDetail()).doesNotContain("administrator").contains("outcome is unknown");
    }

    @Test
    @DisplayName("corrupt or newer-format state: 500 with its own type and no location")
    void corruptAndUnsupported() {
        ResponseEntity<ProblemDetail> corrupt = answer(new CorruptStateException("plan-1",
                "/var/lib/secret/records/plan-1.rec", "bad checksum", null));
        assertType(corrupt, 500, "corrupt-state", "Corrupt state");
        assertThat(corrupt.getBody().getDetail()).doesNotContain("/var/lib");
        ResponseEntity<ProblemDetail> newer = answer(new UnsupportedFormatException("plan-1",
                "/var/lib/secret/records/plan-1.rec", 9, 1));
        assertType(newer, 500, "unsupported-format", "Unsupported format");
        assertThat(newer.getBody().getDetail()).doesNotContain("/var/lib");
    }

    @Test
    @DisplayName("Spring's translation of each exception maps as the exception itself; other exceptions do not map")
    void translations() {
        FencedStateExceptionTranslator translator = new FencedStateExceptionTranslator();
        FencedStateException[] all = {new VersionConflictException("k", 1, 2), exhausted(2),
                new FencedWriteException("k", 1, 2), new ClaimHeldException("k", "w", clock.instant()),
                new InvalidKeyException("", "empty"), new ValueTooLargeException("k", 2, 1),
                new StorageFailureException("k", "x", true, null, null),
                new StorageFailureException("k", "x", false, null, null),
                new CorruptStateException("k", "l", "p", null), new UnsupportedFormatException("k", "l", 2, 1)};
        for (FencedStateException exception : all) {
            assertThat(problems.of(translator.translate(exception)).orElseThrow().type())
                    .isEqualTo(problems.of(exception).orElseThrow().type());
        }
        assertThat(problems.of(new EmptyResultDataAccessException(1))).isEmpty();
        assertThat(problems.of(new IllegalStateException("not ours"))).isEmpty();
    }

    @Test
    @DisplayName("one type per library exception, each with a distinct URI")
    void oneToOne() {
        Map<Class<?>, FencedStateProblemType> byException = Arrays.stream(FencedStateProblemType.values())
                .collect(Collectors.toMap(FencedStateProblemType::exceptionType, type -> type));
        assertThat(byException).hasSize(FencedStateProblemType.values().length);
        assertThat(Arrays.stream(FencedStateProblemType.values()).map(FencedStateProblemType::uri).distinct())
                .hasSize(FencedStateProblemType.values().length);
    }
}
