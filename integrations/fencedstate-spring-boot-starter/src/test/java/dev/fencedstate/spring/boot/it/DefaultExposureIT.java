package dev.fencedstate.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Boot's defaults hold: the endpoint is read-only unless access is raised, so nobody revokes claims by accident. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.endpoints.web.exposure.include=fencedstates")
class DefaultExposureIT {

    @TempDir
    static Path stateDir;

    @DynamicPropertySource
    static void stateDirectory(DynamicPropertyRegistry registry) {
        registry.add("fencedstate.files.directory", () -> stateDir.toString());
    }

    @LocalServerPort
    int port;

    @Test
    @DisplayName("exposed, the endpoint reads but refuses to revoke until access is unrestricted")
    void readOnlyByDefault() throws Exception {
        Http http = new Http(port);
        assertThat(http.get("/actuator/fencedstates/tasks").status()).isEqualTo(200);
        assertThat(http.post("/actuator/fencedstates/tasks", "{\"key\":\"task-1\"}").status()).isIn(404, 405);
        // Only what the application listed is exposed.
        assertThat(http.get("/actuator/metrics").status()).isEqualTo(404);
    }
}
