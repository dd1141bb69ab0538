package dev.fencedstate.samples.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The demo, run as a web application: its report, and what /actuator serves over HTTP afterwards. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.main.web-application-type=servlet")
class AgentsDemoApplicationIT {

    @TempDir
    static Path stateDir;

    @DynamicPropertySource
    static void stateDirectory(DynamicPropertyRegistry registry) {
        registry.add("fencedstate.files.directory", () -> stateDir.toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    AgentsDemo demo;

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
        return JsonMapper.shared().readTree(response.body());
    }

    private double count(String meterAndTags) throws Exception {
        return get("/actuator/metrics/" + meterAndTags).at("/measurements/0/value").asDouble();
    }

    @Test
    @DisplayName("no result is lost, conflicts are retried, the zombie is fenced once, and /actuator shows it all")
    void demo() throws Exception {
        DemoReport report = demo.report();
        assertThat(report).isNotNull();
        assertThat(report.ok()).as("%s", report).isTrue();
        assertThat(report.attemptsByWorker().values()).filteredOn(attempts -> attempts == 1).hasSize(1);
        assertThat(demo.getExitCode()).isZero();

        assertThat(count("fencedstate.commits?tag=store:agents&tag=outcome:conflict"))
                .isGreaterThanOrEqualTo(AgentsDemo.WORKERS - 1);
        assertThat(count("fencedstate.retries?tag=store:agents")).isGreaterThanOrEqualTo(AgentsDemo.WORKERS - 1);
        assertThat(count("fencedstate.commits?tag=store:agents&tag=outcome:fenced")).isEqualTo(1);
        assertThat(count("fencedstate.claims?tag=store:agents&tag=event:revoked")).isEqualTo(1);

        JsonNode store = get("/actuator/fencedstates/agents");
        assertThat(store.at("/activity/fenced").asLong()).isEqualTo(1);
        assertThat(store.at("/activity/conflicts").asLong()).isGreaterThanOrEqualTo(AgentsDemo.WORKERS - 1);
        assertThat(store.get("keys").valueStream().map(k -> k.get("key").asString()).toList())
                .containsExactly(AgentsDemo.BOARD, AgentsDemo.SUMMARY, AgentsDemo.TALLY);
        JsonNode summary = store.at("/keys/1");
        assertThat(summary.get("fenced").asLong()).isEqualTo(1);
        // Granted (1), revoked (2), granted to the planner (3), released (4).
        assertThat(summary.get("epoch").asLong()).isEqualTo(4);
        assertThat(get("/actuator/health").at("/components/fencedstate/components/agents/status").asString())
                .isEqualTo("UP");
    }

    @Test
    @DisplayName("run from main, the demo exits by itself with 0")
    void exitsByItself() {
        assertThat(AgentsDemoApplication.run("--fencedstate.files.directory=" + stateDir.resolve("cli"))).isZero();
    }
}
