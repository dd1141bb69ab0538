package dev.fencedstate.openai;

import static dev.fencedstate.openai.TestItems.describe;
import static dev.fencedstate.openai.TestItems.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import dev.fencedstate.Claim;
import dev.fencedstate.FencedStore;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.file.FileStorage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A child JVM and this one share a session through the file backend, each with its own real OpenAIClient. */
@DisplayName("Across processes on the file backend")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CrossProcessFileBackendIT {

    private static final long WAIT_SECONDS = 90;

    @TempDir
    Path dir;

    /** The children's stderr files: apart from the state directory, and removed with it. */
    @TempDir
    Path logs;

    private FakeResponsesApi api;
    private OpenAIClient client;

    @BeforeEach
    void start() throws Exception {
        api = FakeResponsesApi.start();
        client = api.client();
    }

    @AfterEach
    void stop() {
        client.close();
        api.close();
    }

    @Test
    @DisplayName("two processes taking turns on one session lose nothing; their first turns are forced to race")
    void twoProcessesLoseNothing() throws Exception {
        int turns = 4;
        CountDownLatch bothInFlight = new CountDownLatch(2);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        api.gate(call -> {
            String text = call.lastUserText();
            if (text.endsWith(" turn 0") && seen.add(text)) {
                bothInFlight.countDown();
                if (!bothInFlight.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other process never called the model");
                }
            }
        });

        int parentAttempts = 0;
        int childAttempts;
        try (ChildJvm child = ChildJvm.start(logs, "turns", dir.toString(), api.baseUrl(), "shared", "child",
                String.valueOf(turns));
             FencedStore store = FencedStore.builder(FileStorage.open(dir)).writerId("parent").build()) {
            FencedSession session = FencedSessionStore.create(store).session("shared");
            AgentTurnRunner runner = AgentTurnRunner.builder(client).model("gpt-4.1")
                    .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(20)).build();
            for (int i = 0; i < turns; i++) {
                parentAttempts += runner.runTurn(session, List.of(user("parent turn " + i))).attempts();
            }
            String done = child.awaitLine("DONE", WAIT_SECONDS);
            childAttempts = Integer.parseInt(done.substring("DONE attempts=".length()));
            assertThat(child.awaitExit(WAIT_SECONDS)).as(child.diagnostics()).isZero();

            List<String> history = describe(session.getItems());
            assertThat(history).hasSize(2 * turns * 2);
            for (int i = 0; i < history.size(); i += 2) {
                String question = history.get(i).substring("user: ".length());
                assertThat(history.get(i + 1)).contains("to '" + question + "'");
            }
            for (int i = 0; i < turns; i++) {
                assertThat(history).containsOnlyOnce("user: parent turn " + i, "user: child turn " + i);
            }
        }
        assertThat(parentAttempts + childAttempts).as("the forced first race costs its loser at least one retry")
                .isGreaterThan(2 * turns);
        assertThat(api.calls()).hasSize(parentAttempts + childAttempts);
    }

    @Test
    @DisplayName("a process whose claim is revoked while it waits for the model is fenced when it commits")
    void revokedProcessIsFenced() throws Exception {
        CountDownLatch childInModel = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        api.gate(call -> {
            if (call.lastUserText().equals("child claimed turn")) {
                childInModel.countDown();
                if (!wake.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never woken");
                }
            }
        });

        try (ChildJvm child = ChildJvm.start(logs, "claimed-turn", dir.toString(), api.baseUrl(), "shared", "child");
             FencedStore store = FencedStore.builder(FileStorage.open(dir)).writerId("parent").build()) {
            FencedSession session = FencedSessionStore.create(store).session("shared");
            long childEpoch;
            Claim parentClaim;
            try {
                String claimed = child.awaitLine("CLAIMED", WAIT_SECONDS);
                childEpoch = Long.parseLong(claimed.substring("CLAIMED epoch=".length()));
                assertThat(childInModel.await(WAIT_SECONDS, TimeUnit.SECONDS)).as(child.diagnostics()).isTrue();

                assertThat(session.revoke()).isTrue();
                parentClaim = session.claim(Duration.ofMinutes(1));
                AgentTurnRunner.builder(client).model("gpt-4.1").build()
                        .runTurn(session, parentClaim, List.of(user("parent rescue turn")));
            } finally {
                // Whatever failed above, never leave the child's model call held.
                wake.countDown();
            }

            String fenced = child.awaitLine("FENCED", WAIT_SECONDS);
            assertThat(fenced).isEqualTo("FENCED claimEpoch=" + childEpoch + " currentEpoch=" + parentClaim.epoch());
            assertThat(child.awaitExit(WAIT_SECONDS)).isEqualTo(SessionWorkerProcess.EXIT_FENCED);
            assertThat(describe(session.getItems())).containsExactly("user: parent rescue turn",
                    "assistant: reply 2 to 'parent rescue turn' after 1 input items");
        }
    }

    /** A child JVM on this test's class path; stdout lines are queued; it is killed and reaped on close. */
    private static final class ChildJvm implements AutoCloseable {

        private final Process process;
        private final Path stderr;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();

        private ChildJvm(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException closed) {
                    // the process was killed; nothing more to read
                }
            }, "child-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static ChildJvm start(Path logDir, String... args) throws IOException {
            Path stderr = Files.createTempFile(logDir, "child-stderr", ".txt");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    SessionWorkerProcess.class.getName()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            return new ChildJvm(process, stderr);
        }

        String awaitLine(String prefix, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("no line starting with '" + prefix + "' within " + seconds + " s; "
                            + diagnostics());
                }
                seen.add(line);
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }

        int awaitExit(long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new AssertionError("the child did not exit within " + seconds + " s; " + diagnostics());
            }
            return process.exitValue();
        }

        String diagnostics() {
            String err;
            try {
                err = Files.readString(stderr);
            } catch (IOException e) {
                err = "(stderr unreadable: " + e + ")";
            }
            return "child stdout so far " + seen + ", stderr:\n" + err;
        }

        @Override
        public void close() {
            try {
                if (process.isAlive()) {
                    process.destroyForcibly();
                }
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    Files.deleteIfExists(stderr);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }
}
