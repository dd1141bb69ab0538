package com.example.plans;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The READMEs' quick start, as printed (ReadmeSnippetsTest checks they are these files), on a key never written. */
@SpringBootTest(classes = PlanApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class QuickStartIT {

    @TempDir
    static Path stateDir;

    @DynamicPropertySource
    static void stateDirectory(DynamicPropertyRegistry registry) {
        registry.add("fencedstate.files.directory", () -> stateDir.toString());
    }

    @LocalServerPort
    int port;

    @Test
    void firstStepCreatesThePlan() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/plans/plan-42/steps"))
                .POST(HttpRequest.BodyPublishers.ofString("design")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"steps\":[\"design\"]}");
    }
}
