package dev.fencedstate.spring.boot.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The same problem mapping on the reactive stack: WebFlux on Netty, a real server and a real client. */
@SpringBootTest(classes = ReactiveApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.main.web-application-type=reactive", "fencedstate.backend=memory"})
class ReactiveProblemsIT {

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    private HttpResponse<String> post(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("it is a reactive application, and a first update creates the tally")
    void reactive() throws Exception {
        assertThat(context).isInstanceOf(org.springframework.boot.web.server.reactive.context
                .ReactiveWebServerApplicationContext.class);
        HttpResponse<String> created = post("/tallies/t1/a");
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(JsonMapper.shared().readTree(created.body()).get("seen").get(0).asString()).isEqualTo("a");
    }

    @Test
    @DisplayName("a conflict inside a Mono: 409 version-conflict problem document")
    void versionConflict() throws Exception {
        HttpResponse<String> response = post("/fail/version-conflict");
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode body = JsonMapper.shared().readTree(response.body());
        assertThat(body.get("type").asString()).isEqualTo("https://fencedstate.dev/problems/version-conflict");
        assertThat(body.get("expectedVersion").asLong()).isZero();
        assertThat(body.get("actualVersion").asLong()).isEqualTo(1);
        assertThat(response.body()).doesNotContain("\tat ");
    }

    @Test
    @DisplayName("thrown by the controller method itself: 400 invalid-key problem document")
    void invalidKey() throws Exception {
        HttpResponse<String> response = post("/fail/invalid-key");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JsonMapper.shared().readTree(response.body()).get("type").asString())
                .isEqualTo("https://fencedstate.dev/problems/invalid-key");
    }
}
