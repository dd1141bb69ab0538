package dev.fencedstate.langgraph4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.FencedStore;
import dev.fencedstate.file.FileStorage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.state.AgentState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same races with the other writer in another OS process, sharing a file-backend state directory. */
class CrossProcessIT {

    private static final String THREAD = "thread-x";
    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path dir;

    @TempDir
    Path logs;

    private final ExecutorService reader = Executors.newSingleThreadExecutor();
    private Process child;
    private BufferedReader childOut;
    private Writer childIn;

    @AfterEach
    void reapChild() throws InterruptedException {
        try {
            if (child != null && child.isAlive()) {
                child.destroyForcibly();
                assertThat(child.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("child reaped").isTrue();
            }
        } finally {
            reader.shutdownNow();
        }
    }

    private void startChild(String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), CrossProcessChild.class.getName(),
                mode, dir.toString(), THREAD));
        child = new ProcessBuilder(command)
                .redirectError(logs.resolve("child-" + mode + ".err").toFile())
                .start();
        childOut = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        childIn = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
    }

    private String nextLine() throws Exception {
        try {
            String line = reader.submit(childOut::readLine).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(line).as("the child said something before exiting; its stderr:%n%s", childErr()).isNotNull();
            return line;
        } catch (TimeoutException silent) {
            throw new AssertionError("the child said nothing for " + WAIT_SECONDS + " s; its stderr:\n"
                    + childErr(), silent);
        }
    }

    private String childErr() throws IOException {
        try (var files = Files.list(logs)) {
            StringBuilder all = new StringBuilder();
            for (Path file : files.toList()) {
                all.append(Files.readString(file));
            }
            return all.toString();
        }
    }

    private void go() throws IOException {
        childIn.write("GO\n");
        childIn.flush();
    }

    private void awaitExit() throws InterruptedException, IOException {
        assertThat(child.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("child exited").isTrue();
        assertThat(child.exitValue()).as("child exit code; its stderr:%n%s", childErr()).isZero();
    }

    private static RunnableConfig plain() {
        return RunnableConfig.builder().threadId(THREAD).build();
    }

    @Test
    @DisplayName("two processes update one thread from the same head, each in a FencedRun: the child gets the conflict")
    void concurrentUpdateAcrossProcesses() throws Exception {
        try (FencedStore store = FencedStore.builder(FileStorage.open(dir)).writerId("parent").build()) {
            FencedCheckpointSaver saver = FencedCheckpointSaver.of(store);
            CompiledGraph<AgentState> graph = TestGraph.compile(saver);
            graph.invoke(TestGraph.input("seed"), plain());
            String seedHead = saver.history(THREAD).get(0).checkpointId();

            startChild("conflict");
            assertThat(nextLine()).isEqualTo("READ");
            RunnableConfig mine = graph.updateState(saver.openRun(THREAD).config(),
                    Map.of(TestGraph.LOG, List.of("note:parent")));
            go();

            String parentHead = mine.checkPointId().orElseThrow();
            assertThat(nextLine()).isEqualTo("CONFLICT " + seedHead + " " + parentHead);
            awaitExit();
            assertThat(TestGraph.headLog(saver, THREAD)).contains("note:parent").doesNotContain("note:child");
            assertThat(saver.history(THREAD)).extracting(StoredCheckpoint::writerId).doesNotContain("child");
            assertThat(TestGraph.isOneChain(saver.list(plain()))).isTrue();
            ConcurrentWritersTest.assertChained(saver.history(THREAD));
        }
    }

    @Test
    @DisplayName("drop-in: two processes run the graph on one thread from the same head; the child's run is refused, "
            + "its retry lands, nothing is lost")
    void concurrentRunsAcrossProcessesWithoutRuns() throws Exception {
        try (FencedStore store = FencedStore.builder(FileStorage.open(dir)).writerId("parent").build()) {
            FencedCheckpointSaver saver = FencedCheckpointSaver.of(store);
            CompiledGraph<AgentState> graph = TestGraph.compile(saver);
            graph.invoke(TestGraph.input("seed"), plain());
            String seedHead = saver.history(THREAD).get(0).checkpointId();
            int seeded = saver.history(THREAD).size();

            startChild("dropin");
            assertThat(nextLine()).isEqualTo("READ");
            graph.invoke(TestGraph.input("parent"), plain());
            String parentHead = saver.history(THREAD).get(0).checkpointId();
            go();

            assertThat(nextLine()).isEqualTo("CONFLICT " + seedHead + " " + parentHead);
            String retried = nextLine();
            awaitExit();
            List<StoredCheckpoint> history = saver.history(THREAD);
            assertThat(retried).isEqualTo("RETRIED " + history.get(0).checkpointId());
            assertThat(history).as("seed, parent's run, child's retried run; nothing of the refused attempt")
                    .hasSize(seeded + 4);
            assertThat(history).extracting(StoredCheckpoint::writerId).containsSubsequence("child", "parent");
            assertThat(TestGraph.headLog(saver, THREAD)).contains("work:seed", "work:parent", "work:child");
            assertThat(TestGraph.isOneChain(saver.list(plain()))).isTrue();
            ConcurrentWritersTest.assertChained(history);
        }
    }

    @Test
    @DisplayName("a child run stalls holding the thread; recovery revokes it and runs on; the child's step is fenced")
    void zombieAcrossProcesses() throws Exception {
        try (FencedStore store = FencedStore.builder(FileStorage.open(dir)).writerId("parent").build()) {
            FencedCheckpointSaver saver = FencedCheckpointSaver.of(store);
            CompiledGraph<AgentState> graph = TestGraph.compile(saver);

            startChild("zombie");
            assertThat(nextLine()).isEqualTo("STALLED");
            long childEpoch = saver.history(THREAD).get(0).claimEpoch();
            assertThat(saver.history(THREAD)).extracting(StoredCheckpoint::writerId).containsExactly("child");

            assertThat(saver.revoke(THREAD)).isTrue();
            try (FencedRun recovery = saver.claimRun(THREAD)) {
                graph.invoke(TestGraph.input("parent"), recovery.config());
            }
            go();

            String fenced = nextLine();
            assertThat(fenced).startsWith("FENCED " + childEpoch + " ");
            awaitExit();
            assertThat(TestGraph.headLog(saver, THREAD)).contains("in:child", "work:parent")
                    .doesNotContain("work:child");
            List<StoredCheckpoint> history = saver.history(THREAD);
            assertThat(history.get(0).writerId()).isEqualTo("parent");
            assertThat(history).filteredOn(c -> c.writerId().equals("child"))
                    .extracting(StoredCheckpoint::nodeId).containsExactly("__START__");
            ConcurrentWritersTest.assertChained(history);
        }
    }
}
