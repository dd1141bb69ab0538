package dev.fencedstate.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.Claim;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.Versioned;
import dev.fencedstate.spring.dao.FencedWriteDataAccessException;
import dev.fencedstate.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole starter in a running web application on the files backend: a forced conflict and a zombie writer, then
 * the meters and the {@code fencedstates} endpoint read over HTTP, and a revocation made over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=fencedstates,metrics,health",
        "management.endpoint.fencedstates.access=unrestricted",
        "management.endpoint.health.show-details=always",
        "fencedstate.retry.initial-backoff=1ms"})
class ActuatorOverHttpIT {

    @TempDir
    static Path stateDir;

    @DynamicPropertySource
    static void stateDirectory(DynamicPropertyRegistry registry) {
        registry.add("fencedstate.files.directory", () -> stateDir.toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    TaskStore tasks;

    @Autowired
    ManualClock clock;

    @Autowired
    FencedStores stores;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    @DisplayName("a forced conflict is retried and a zombie is fenced; meters and endpoint show both over HTTP")
    void conflictAndZombie() throws Exception {
        // Conflict: another process commits between this update's read and its commit; the update recomputes.
        AnotherProcess.forceOneConflict(tasks, stores, "task-1");

        // Zombie: it claims, stalls past its lease, another agent reclaims; the zombie wakes and commits.
        tasks.update("task-2", new Task("summarize", List.of()), task -> task);
        Claim zombie = tasks.claim("task-2", Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(11));
        Claim rescuer = tasks.claim("task-2");
        assertThat(rescuer.reclaimed()).isTrue();
        assertThatThrownBy(() -> tasks.commit(zombie, new Task("summarize", List.of("stale summary"))))
                .isInstanceOf(FencedWriteDataAccessException.class);
        Versioned<Task> rescued = tasks.commit(rescuer, new Task("summarize", List.of("fresh summary")));

        String store = "tag=store:tasks";
        assertThat(http.statistic("fencedstate.commits?" + store + "&tag=outcome:conflict", "COUNT")).isEqualTo(1);
        assertThat(http.statistic("fencedstate.commits?" + store + "&tag=outcome:fenced", "COUNT")).isEqualTo(1);
        assertThat(http.statistic("fencedstate.commits?" + store + "&tag=outcome:committed", "COUNT")).isEqualTo(4);
        // Three updates committed, in four attempts: one conflict retried.
        assertThat(http.statistic("fencedstate.update.attempts?" + store + "&tag=outcome:committed", "COUNT"))
                .isEqualTo(3);
        assertThat(http.statistic("fencedstate.update.attempts?" + store + "&tag=outcome:committed", "TOTAL"))
                .isEqualTo(4);
        assertThat(http.statistic("fencedstate.claims?" + store + "&tag=event:granted", "COUNT")).isEqualTo(1);
        assertThat(http.statistic("fencedstate.claims?" + store + "&tag=event:reclaimed", "COUNT")).isEqualTo(1);
        assertThat(http.statistic("fencedstate.claims.live?" + store, "VALUE")).isEqualTo(1);
        // One meter per fact: the observation of repository writes (spans) derives no second meter.
        assertThat(http.get("/actuator/metrics/fencedstate.operation").status()).isEqualTo(404);

        JsonNode all = http.get("/actuator/fencedstates").json();
        JsonNode tasksStore = all.at("/stores/tasks");
        assertThat(tasksStore.get("backend").asString()).startsWith("files:").contains("tasks");
        List<String> keys = tasksStore.get("keys").valueStream().map(k -> k.get("key").asString()).toList();
        assertThat(keys).containsExactly("task-1", "task-2");
        JsonNode task1 = tasksStore.at("/keys/0");
        assertThat(task1.get("version").asLong()).isEqualTo(3);
        assertThat(task1.get("conflicts").asLong()).isEqualTo(1);
        JsonNode task2 = tasksStore.at("/keys/1");
        assertThat(task2.get("epoch").asLong()).isEqualTo(rescuer.epoch());
        assertThat(task2.get("version").asLong()).isEqualTo(rescued.version());
        assertThat(task2.get("fenced").asLong()).isEqualTo(1);
        assertThat(task2.at("/claim/holder").asString()).isEqualTo(rescuer.holder());
        assertThat(task2.at("/claim/leaseDeadline").asString()).isEqualTo(rescuer.leaseDeadline().toString());
        assertThat(task2.at("/claim/live").asBoolean()).isTrue();
        assertThat(tasksStore.at("/activity/conflicts").asLong()).isEqualTo(1);
        assertThat(tasksStore.at("/activity/fenced").asLong()).isEqualTo(1);
        assertThat(tasksStore.at("/activity/recent").valueStream().map(e -> e.get("kind").asString()).toList())
                .containsExactly("fenced", "reclaimed", "conflict");
        assertThat(http.get("/actuator/fencedstates/tasks").json().get("name").asString()).isEqualTo("tasks");

        // Recovery over HTTP: revoke the rescuer's claim as if it had stalled; its next write is fenced.
        Http.Response revoke = http.post("/actuator/fencedstates/tasks", "{\"key\":\"task-2\"}");
        assertThat(revoke.status()).isEqualTo(200);
        assertThat(revoke.json().get("revoked").asBoolean()).isTrue();
        assertThat(revoke.json().get("epochAfter").asLong()).isEqualTo(rescuer.epoch() + 1);
        assertThatThrownBy(() -> tasks.commit(rescuer, rescued, new Task("summarize", List.of("late"))))
                .isInstanceOf(FencedWriteDataAccessException.class);
        assertThat(http.statistic("fencedstate.claims?" + store + "&tag=event:revoked", "COUNT")).isEqualTo(1);
        assertThat(http.statistic("fencedstate.commits?" + store + "&tag=outcome:fenced", "COUNT")).isEqualTo(2);
        assertThat(http.statistic("fencedstate.claims.live?" + store, "VALUE")).isZero();
    }

    @Test
    @DisplayName("an unknown store is a 404 to read and a 400 to revoke in")
    void unknownStore() throws Exception {
        assertThat(http.get("/actuator/fencedstates/nope").status()).isEqualTo(404);
        assertThat(http.post("/actuator/fencedstates/nope", "{\"key\":\"k\"}").status()).isEqualTo(400);
    }

    @Test
    @DisplayName("health shows one component per store, up")
    void health() throws Exception {
        JsonNode health = http.get("/actuator/health").json();
        assertThat(health.at("/components/fencedstate/components/tasks/status").asString()).isEqualTo("UP");
        assertThat(health.at("/components/fencedstate/components/tasks/details/backend").asString())
                .startsWith("files:");
    }
}
