package dev.fencedstate.spring.boot.jdbcit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.Claim;
import dev.fencedstate.jdbc.JdbcStorage;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.Versioned;
import dev.fencedstate.spring.dao.FencedWriteDataAccessException;
import dev.fencedstate.spring.boot.it.AnotherProcess;
import dev.fencedstate.spring.boot.it.Http;
import dev.fencedstate.spring.boot.it.Task;
import dev.fencedstate.spring.boot.postgres.TestPostgres;
import dev.fencedstate.testkit.ManualClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole starter in a running web application on the jdbc backend, with Boot's DataSource pointed at a real
 * PostgreSQL: a forced conflict and a zombie writer, then the rows in the table, the meters and the
 * {@code fencedstates} endpoint read over HTTP, a revocation made over HTTP, and health.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "fencedstate.backend=jdbc",
        "management.endpoints.web.exposure.include=fencedstates,metrics,health",
        "management.endpoint.fencedstates.access=unrestricted",
        "management.endpoint.health.show-details=always",
        "fencedstate.retry.initial-backoff=1ms"})
class JdbcBackendIT {

    private static final TestPostgres.Server SERVER = TestPostgres.server();
    private static final String TABLE = TestPostgres.uniqueTable("starter_it");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", SERVER::url);
        registry.add("spring.datasource.username", SERVER::user);
        registry.add("spring.datasource.password", SERVER::password);
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "4");
        registry.add("fencedstate.jdbc.table", () -> TABLE);
    }

    @AfterAll
    static void dropTable() throws Exception {
        SERVER.dropTables(TABLE);
    }

    @LocalServerPort
    int port;

    @Autowired
    TaskStore tasks;

    @Autowired
    ManualClock clock;

    @Autowired
    FencedStores stores;

    @Autowired
    DataSource dataSource;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    @DisplayName("the repository's store is a JdbcStorage over Boot's DataSource, in the configured table")
    void wiring() {
        assertThat(stores.store("tasks").storage()).isInstanceOfSatisfying(JdbcStorage.class, storage -> {
            assertThat(storage.table()).isEqualTo(TABLE);
            assertThat(storage.store()).isEqualTo("tasks");
        });
        assertThat(dataSource).isInstanceOf(com.zaxxer.hikari.HikariDataSource.class);
    }

    @Test
    @DisplayName("a forced conflict is retried and a zombie is fenced; the table, meters and endpoint show both")
    void conflictAndZombie() throws Exception {
        // Conflict: another process commits between this update's read and its commit; the update recomputes.
        AnotherProcess.forceOneConflict(tasks, stores, "task-1");

        // Zombie: it claims, stalls past its lease (by the database's clock), another agent reclaims; the zombie
        // wakes and commits.
        tasks.update("task-2", new Task("summarize", List.of()), task -> task);
        Claim zombie = tasks.claim("task-2", Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(11));
        Claim rescuer = tasks.claim("task-2");
        assertThat(rescuer.reclaimed()).isTrue();
        assertThatThrownBy(() -> tasks.commit(zombie, new Task("summarize", List.of("stale summary"))))
                .isInstanceOf(FencedWriteDataAccessException.class);
        Versioned<Task> rescued = tasks.commit(rescuer, new Task("summarize", List.of("fresh summary")));

        // The rows are in PostgreSQL, in the configured table under the store's name: no stale write landed.
        assertThat(SERVER.query("SELECT key, version, epoch, holder, convert_from(value, 'UTF8') LIKE '%stale%' FROM "
                + TABLE + " WHERE store = 'tasks' ORDER BY key")).containsExactly(
                        Arrays.asList("task-1", "3", "0", null, "f"),
                        Arrays.asList("task-2", String.valueOf(rescued.version()), String.valueOf(rescuer.epoch()),
                                rescuer.holder(), "f"));

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
        assertThat(http.get("/actuator/metrics/fencedstate.operation").status()).isEqualTo(404);

        JsonNode tasksStore = http.get("/actuator/fencedstates").json().at("/stores/tasks");
        assertThat(tasksStore.get("backend").asString()).isEqualTo("postgresql:" + TABLE + "[store=tasks]");
        assertThat(tasksStore.get("keys").valueStream().map(k -> k.get("key").asString()).toList())
                .containsExactly("task-1", "task-2");
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

        // Recovery over HTTP: revoke the rescuer's claim as if it had stalled; its next write is fenced.
        Http.Response revoke = http.post("/actuator/fencedstates/tasks", "{\"key\":\"task-2\"}");
        assertThat(revoke.status()).isEqualTo(200);
        assertThat(revoke.json().get("revoked").asBoolean()).isTrue();
        assertThat(revoke.json().get("epochAfter").asLong()).isEqualTo(rescuer.epoch() + 1);
        assertThatThrownBy(() -> tasks.commit(rescuer, rescued, new Task("summarize", List.of("late"))))
                .isInstanceOf(FencedWriteDataAccessException.class);
        assertThat(SERVER.query("SELECT epoch, holder FROM " + TABLE + " WHERE store = 'tasks' AND key = 'task-2'"))
                .containsExactly(Arrays.asList(String.valueOf(rescuer.epoch() + 1), null));
        assertThat(http.statistic("fencedstate.claims?" + store + "&tag=event:revoked", "COUNT")).isEqualTo(1);
        assertThat(http.statistic("fencedstate.commits?" + store + "&tag=outcome:fenced", "COUNT")).isEqualTo(2);
        assertThat(http.statistic("fencedstate.claims.live?" + store, "VALUE")).isZero();
    }

    @Test
    @DisplayName("health shows the store on its PostgreSQL table, up")
    void health() throws Exception {
        JsonNode health = http.get("/actuator/health").json();
        assertThat(health.at("/components/fencedstate/components/tasks/status").asString()).isEqualTo("UP");
        assertThat(health.at("/components/fencedstate/components/tasks/details/backend").asString())
                .isEqualTo("postgresql:" + TABLE + "[store=tasks]");
    }
}
