package dev.fencedstate.spring.boot.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.spring.boot.it.Http;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each fencedstate failure, made to happen for real behind a Spring MVC controller on a real server (random port,
 * the JDK's HTTP client), answered with its problem document.
 */
@SpringBootTest(classes = ProblemsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"fencedstate.backend=memory", "fencedstate.stores.notes.retry.max-attempts=3",
                "fencedstate.stores.notes.max-value-size=1KB", "fencedstate.stores.flaky.backend=flaky",
                "management.endpoints.web.exposure.include=metrics,prometheus"})
@ExtendWith(OutputCaptureExtension.class)
class ProblemsOverHttpIT {

    /** An answer as a client sees it. */
    record Answer(int status, String contentType, String retryAfter, String body) {
        JsonNode json() {
            return JsonMapper.shared().readTree(body);
        }
    }

    @LocalServerPort
    int port;

    private final HttpClient client = HttpClient.newHttpClient();

    Answer post(String path) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + path)).POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.headers().firstValue("Retry-After").orElse(null), response.body());
    }

    /** Asserts the answer is a problem document of {@code type} with {@code status}, and returns its body. */
    static JsonNode problem(Answer answer, int status, String type) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        JsonNode body = answer.json();
        assertThat(body.get("type").asString()).isEqualTo("https://fencedstate.dev/problems/" + type);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("title").asString()).isNotBlank();
        assertThat(body.get("detail").asString()).isNotBlank();
        assertThat(answer.body()).doesNotContain("\tat ", "at dev.fencedstate", "Exception:", "trace");
        return body;
    }

    @Nested
    @DisplayName("each exception has its status and problem type")
    class Mapping {

        @Test
        @DisplayName("a version conflict: 409 version-conflict with both versions")
        void versionConflict() throws Exception {
            JsonNode body = problem(post("/fail/version-conflict"), 409, "version-conflict");
            assertThat(body.get("key").asString()).isEqualTo("vc");
            assertThat(body.get("expectedVersion").asLong()).isZero();
            assertThat(body.get("actualVersion").asLong()).isEqualTo(1);
            assertThat(body.get("instance").asString()).isEqualTo("/fail/version-conflict");
        }

        @Test
        @DisplayName("an update that spent its retries: 409 retries-exhausted with attempts and versions, Retry-After")
        void retriesExhausted() throws Exception {
            Answer answer = post("/fail/retries-exhausted");
            JsonNode body = problem(answer, 409, "retries-exhausted");
            assertThat(answer.retryAfter()).isEqualTo("1");
            assertThat(body.get("key").asString()).isEqualTo("busy");
            assertThat(body.get("attempts").asInt()).isEqualTo(3);
            assertThat(body.get("actualVersion").asLong()).isEqualTo(body.get("expectedVersion").asLong() + 1);
            assertThat(body.get("retryable").asBoolean()).isTrue();
        }

        @Test
        @DisplayName("a fenced write: 409 with its own type, fenced-write, not retryable")
        void fencedWrite() throws Exception {
            JsonNode body = problem(post("/fail/fenced-write"), 409, "fenced-write");
            assertThat(body.get("currentEpoch").asLong()).isEqualTo(body.get("claimEpoch").asLong() + 1);
            assertThat(body.get("retryable").asBoolean()).isFalse();
        }

        @Test
        @DisplayName("a held claim: 409 claim-held with Retry-After until the lease ends")
        void claimHeld() throws Exception {
            Answer answer = post("/fail/claim-held");
            JsonNode body = problem(answer, 409, "claim-held");
            assertThat(answer.retryAfter()).isEqualTo("30");
            assertThat(body.get("leaseDeadline").asString()).isNotBlank();
        }

        @Test
        @DisplayName("an invalid key: 400 invalid-key")
        void invalidKey() throws Exception {
            problem(post("/fail/invalid-key"), 400, "invalid-key");
        }

        @Test
        @DisplayName("a value too large: 413 value-too-large with size and limit")
        void valueTooLarge() throws Exception {
            JsonNode body = problem(post("/fail/value-too-large"), 413, "value-too-large");
            assertThat(body.get("limit").asLong()).isEqualTo(1024);
        }

        @Test
        @DisplayName("a storage failure: 503 storage-failure with outcomeKnown, and none of the storage's own words")
        void storageFailure() throws Exception {
            Answer known = post("/fail/storage-failure/true");
            JsonNode body = problem(known, 503, "storage-failure");
            assertThat(body.get("outcomeKnown").asBoolean()).isTrue();
            assertThat(known.retryAfter()).isEqualTo("1");
            Answer unknown = post("/fail/storage-failure/false");
            JsonNode unknownBody = problem(unknown, 503, "storage-failure");
            assertThat(unknownBody.get("outcomeKnown").asBoolean()).isFalse();
            assertThat(unknownBody.get("commitId").asString()).isNotBlank();
            assertThat(unknown.retryAfter()).isNull();
            assertThat(known.body() + unknown.body()).doesNotContain("db-7.internal");
        }

        @Test
        @DisplayName("an exception that is not fencedstate's is left to Boot: no problem type of ours, no stack trace")
        void notOurs() throws Exception {
            Answer answer = post("/fail/not-ours");
            assertThat(answer.status()).isEqualTo(500);
            assertThat(answer.body()).doesNotContain("fencedstate.dev/problems", "\tat ");
        }
    }

    @Test
    @DisplayName("an expected conflict is one WARN line in the log, without a stack trace")
    void oneWarnLine(CapturedOutput output) throws Exception {
        int before = output.getAll().length();
        problem(post("/fail/retries-exhausted"), 409, "retries-exhausted");
        String logged = output.getAll().substring(before);
        List<String> lines = logged.lines().filter(line -> line.contains("FencedStateExceptionHandler")).toList();
        assertThat(lines).singleElement().asString().contains("WARN").contains("409 retries-exhausted: Gave up on "
                + "key 'busy' after 3 attempts");
        assertThat(logged).doesNotContain("\tat ", "RetriesExhaustedException:");
    }

    @Test
    @DisplayName("after a forced give-up, the exhausted update is counted in /actuator/metrics and in Prometheus")
    void exhaustedMeter() throws Exception {
        Http http = new Http(port);
        double before = http.statistic("fencedstate.update.attempts?tag=store:notes&tag=outcome:exhausted", "COUNT");
        problem(post("/fail/retries-exhausted"), 409, "retries-exhausted");
        assertThat(http.statistic("fencedstate.update.attempts?tag=store:notes&tag=outcome:exhausted", "COUNT"))
                .isEqualTo(before + 1);
        String prometheus = http.get("/actuator/prometheus").body();
        assertThat(prometheus).containsPattern("fencedstate_update_attempts_count\\{outcome=\"exhausted\","
                + "store=\"notes\"} " + (int) (before + 1) + "(\\.0)?\\n");
        assertThat(prometheus).contains("fencedstate_update_attempts_bucket{outcome=\"exhausted\",store=\"notes\"",
                "fencedstate_commits_seconds_count{outcome=\"conflict\",store=\"notes\"}");
        assertThat(prometheus).doesNotContain("fencedstate_operation");
    }

    @Test
    @DisplayName("the first update of a note that was never written creates it")
    void firstUpdate() throws Exception {
        Answer answer = post("/notes/fresh/lines/hello");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("lines").get(0).asString()).isEqualTo("hello");
    }
}
