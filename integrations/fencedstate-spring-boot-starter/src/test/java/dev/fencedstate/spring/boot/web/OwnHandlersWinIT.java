package dev.fencedstate.spring.boot.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.spring.boot.webown.LocalController;
import dev.fencedstate.spring.boot.webown.OwnAdvice;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The application's own exception handling wins over the starter's mapping, and the mapping can be switched off. */
class OwnHandlersWinIT {

    static HttpResponse<String> post(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Nested
    @SpringBootTest(classes = {ProblemsApplication.class, OwnAdvice.class},
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"fencedstate.backend=memory", "fencedstate.stores.notes.retry.max-attempts=2"})
    @DisplayName("with an advice of the application's own")
    class WithOwnAdvice {

        @LocalServerPort
        int port;

        @Test
        @DisplayName("the application's advice answers what it handles; the starter's answers the rest")
        void ownAdviceWins() throws Exception {
            HttpResponse<String> exhausted = post(port, "/fail/retries-exhausted");
            assertThat(exhausted.statusCode()).isEqualTo(429);
            assertThat(exhausted.body()).isEqualTo("busy, try later: busy");
            HttpResponse<String> fenced = post(port, "/fail/fenced-write");
            assertThat(fenced.statusCode()).isEqualTo(409);
            assertThat(fenced.body()).contains("https://fencedstate.dev/problems/fenced-write");
        }
    }

    @Nested
    @SpringBootTest(classes = ProblemsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"fencedstate.backend=memory", "fencedstate.web.problems.enabled=false"})
    @DisplayName("with fencedstate.web.problems.enabled=false")
    class SwitchedOff {

        @LocalServerPort
        int port;

        @Test
        @DisplayName("no problem documents of fencedstate's: Boot's own error handling answers")
        void off() throws Exception {
            HttpResponse<String> fenced = post(port, "/fail/fenced-write");
            assertThat(fenced.statusCode()).isEqualTo(500);
            assertThat(fenced.body()).doesNotContain("fencedstate.dev/problems").doesNotContain("\tat ");
        }
    }

    /** The controller's own handler wins over every advice. */
    @Nested
    @SpringBootTest(classes = {ProblemsApplication.class, LocalController.class},
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "fencedstate.backend=memory")
    @DisplayName("with a controller's own @ExceptionHandler")
    class WithControllerHandler {

        @LocalServerPort
        int port;

        @Test
        @DisplayName("the controller's handler answers its own controller's exceptions")
        void controllerHandlerWins() throws Exception {
            HttpResponse<String> fenced = post(port, "/local/fenced");
            assertThat(fenced.statusCode()).isEqualTo(410);
            assertThat(fenced.body()).isEqualTo("gone: local");
        }
    }

}
