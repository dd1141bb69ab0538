package dev.fencedstate.spring.boot.hotkey;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.spring.boot.postgres.TestPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two instances of the application, each a JVM of its own with its own pool, on one PostgreSQL table and store, with
 * the starter's defaults: their updates of the hot key race each other (within each, they take turns). Some updates
 * lose conflicts and retry; an update that spends its whole budget is answered 409 with a problem document and wrote
 * nothing. Fewer than 0.1 % of the requests may fail so; every acknowledged step is stored, exactly once.
 */
class TwoJvmsPostgresIT {

    static final int REQUESTS = 2000;
    static final int CLIENTS_PER_INSTANCE = 32;

    private static final TestPostgres.Server SERVER = TestPostgres.server();
    private static final String TABLE = TestPostgres.uniqueTable("hotkey_two_jvms");
    private static final List<Process> INSTANCES = new ArrayList<>();
    private static final List<Integer> PORTS = new ArrayList<>();

    @TempDir
    static Path logs;

    @BeforeAll
    static void startInstances() throws Exception {
        List<CompletableFuture<Integer>> ports = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ports.add(start("instance-" + i));
        }
        for (CompletableFuture<Integer> port : ports) {
            PORTS.add(port.get(3, TimeUnit.MINUTES));
        }
    }

    @AfterAll
    static void stopInstances() throws Exception {
        for (Process instance : INSTANCES) {
            instance.destroy();
            if (!instance.waitFor(30, TimeUnit.SECONDS)) {
                instance.destroyForcibly();
            }
        }
        SERVER.dropTables(TABLE);
    }

    /** Starts {@link HotKeyApplication} in a JVM of its own, with the defaults; completes with its port. */
    private static CompletableFuture<Integer> start(String name) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath, HotKeyApplication.class.getName(),
                "--server.port=0", "--fencedstate.backend=jdbc", "--fencedstate.jdbc.table=" + TABLE,
                "--fencedstate.writer-id=" + name, "--spring.datasource.url=" + SERVER.url(),
                "--spring.datasource.username=" + SERVER.user(), "--spring.datasource.password=" + SERVER.password(),
                "--spring.main.banner-mode=off", "--logging.level.root=WARN",
                "--management.endpoints.web.exposure.include=metrics")
                .redirectError(logs.resolve(name + ".err").toFile());
        Process process = builder.start();
        INSTANCES.add(process);
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("PORT ")) {
                        port.complete(Integer.parseInt(line.substring(5).strip()));
                    }
                }
                port.completeExceptionally(new IllegalStateException(name + " exited before serving: "
                        + Files.readString(logs.resolve(name + ".err"))));
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
        }, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        return port;
    }

    @Test
    @DisplayName("two JVMs on one PostgreSQL key: under 0.1% failed, each a 409 problem document; every 2xx stored once")
    void twoInstances() throws Exception {
        HotKeyLoad.Result result = HotKeyLoad.run(PORTS, "hot", "step", REQUESTS, 2 * CLIENTS_PER_INSTANCE);

        List<HotKeyLoad.Answer> failed = result.failed();
        System.out.printf("two JVMs, %d requests from %d clients: %d failed, %.1f requests/s%n", REQUESTS,
                2 * CLIENTS_PER_INSTANCE, failed.size(), REQUESTS / (result.nanos() / 1e9));
        assertThat(failed.size()).as("failed requests: %s", failed).isLessThan(REQUESTS / 1000);
        for (HotKeyLoad.Answer answer : failed) {
            assertThat(answer.status()).isEqualTo(409);
            JsonNode problem = JsonMapper.shared().readTree(answer.body());
            assertThat(problem.get("type").asString()).isEqualTo("https://fencedstate.dev/problems/retries-exhausted");
        }
        List<String> stored = HotKeyLoad.storedSteps(PORTS.get(0), "hot");
        assertThat(stored).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(result.acknowledgedSteps());
        assertThat(HotKeyLoad.storedSteps(PORTS.get(1), "hot")).isEqualTo(stored);
        Set<Integer> servers = new HashSet<>();
        result.answers().forEach(answer -> servers.add(answer.server()));
        assertThat(servers).containsExactly(0, 1);
        // They really raced: conflicts happened (between the instances; within each, updates took turns).
        double conflicts = 0;
        for (int port : PORTS) {
            conflicts += new dev.fencedstate.spring.boot.it.Http(port)
                    .statistic("fencedstate.commits?tag=store:plans&tag=outcome:conflict", "COUNT");
        }
        System.out.printf("conflicts between the instances, retried: %.0f%n", conflicts);
        assertThat(conflicts).isPositive();
    }
}
