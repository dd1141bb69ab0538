package dev.fencedstate.samples.lostupdate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.Snapshot;
import dev.fencedstate.file.FileStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the demo's main logic once and checks every outcome it prints. If fencedstate's version check or epoch fence
 * were removed, the fenced assertions here fail (and the demo itself exits 1).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LostUpdateDemoTest {

    private Path directory;
    private DemoOutcome outcome;
    private String printed;

    @BeforeAll
    void runTheDemo(@TempDir Path demoDirectory) throws IOException {
        directory = demoDirectory;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            outcome = LostUpdateDemo.run(directory, out);
        }
        printed = buffer.toString(StandardCharsets.UTF_8);
    }

    @Nested
    @DisplayName("six workers appending to one shared plan")
    class SharedPlan {

        @Test
        @DisplayName("a plain read-modify-write keeps only the last writer's result and loses the other five")
        void plainFileLosesResults() {
            assertThat(outcome.plainAppend().missingWorkers())
                    .containsExactly("worker-1", "worker-2", "worker-3", "worker-4", "worker-5");
            assertThat(outcome.plainAppend().landed()).containsExactly(PlanDoc.WORKER_RESULTS.get(5));
            assertThat(printed).contains("LOST 5: worker-1, worker-2, worker-3, worker-4, worker-5");
        }

        @Test
        @DisplayName("through fencedstate all six land, after exactly five retried conflicts")
        void fencedstateLosesNothing() {
            AppendOutcome fenced = outcome.fencedAppend();
            assertThat(fenced.missingWorkers()).isEmpty();
            assertThat(fenced.landed()).containsExactlyInAnyOrderElementsOf(PlanDoc.WORKER_RESULTS);
            assertThat(fenced.conflictsRetried()).isEqualTo(PlanDoc.WORKERS - 1);
            assertThat(fenced.finalVersion()).isEqualTo(PlanDoc.WORKERS + 1);
        }

        @Test
        @DisplayName("the file backend's directory holds all six results when read back by a new store")
        void resultsAreOnDisk() {
            try (FencedStore store = FencedStore.builder(FileStorage.open(directory.resolve("fencedstate"))).build()) {
                Snapshot plan = store.read(AppendScenario.PLAN_KEY);
                assertThat(plan.version()).isEqualTo(PlanDoc.WORKERS + 1);
                assertThat(PlanDoc.parse(plan.value().orElseThrow()).results())
                        .containsExactlyInAnyOrderElementsOf(PlanDoc.WORKER_RESULTS);
            }
        }
    }

    @Nested
    @DisplayName("a zombie writer waking after its lease was taken over")
    class ZombieWriter {

        @Test
        @DisplayName("with plain version checks its stale commit lands, because the version never moved")
        void plainVersionCheckLetsTheZombieWrite() {
            ZombieOutcome plain = outcome.plainZombie();
            assertThat(plain.versionUnchangedAtWake()).isTrue();
            assertThat(plain.staleCommitLanded()).isTrue();
            assertThat(plain.replacementCommitLanded()).isFalse();
            assertThat(plain.finalValue()).isEqualTo(ZombieScenario.STALE_DECISION);
        }

        @Test
        @DisplayName("with fencedstate it is rejected by epoch although its version matched, and B's commit lands")
        void fencedstateRejectsTheZombie() {
            ZombieOutcome fenced = outcome.fencedZombie();
            assertThat(fenced.versionUnchangedAtWake()).isTrue();
            assertThat(fenced.staleCommitLanded()).isFalse();
            FencedWriteException rejection = fenced.zombieRejection();
            assertThat(rejection).isNotNull();
            assertThat(rejection.claimEpoch()).isEqualTo(1);
            assertThat(rejection.currentEpoch()).isEqualTo(2);
            assertThat(rejection.isRetryable()).isFalse();
            assertThat(fenced.replacementCommitLanded()).isTrue();
            assertThat(fenced.finalValue()).isEqualTo(ZombieScenario.CURRENT_DECISION);
            assertThat(fenced.finalVersion()).isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("as a smoke test")
    class SmokeTest {

        @Test
        @DisplayName("this run shows the expected behaviour, so the verdict is exit code 0")
        void verdictIsSuccess() {
            assertThat(outcome.guardFailures()).isEmpty();
            assertThat(outcome.scriptDeviations()).isEmpty();
            assertThat(LostUpdateDemo.verdict(outcome, silent(), silent())).isZero();
        }

        @Test
        @DisplayName("a lost result or a zombie write by fencedstate is exit code 1, with a message")
        void guardFailureFailsTheRun() {
            AppendOutcome lostOne = new AppendOutcome(PlanDoc.WORKER_RESULTS.subList(1, PlanDoc.WORKERS),
                    List.of("worker-1"), PlanDoc.WORKERS - 1, PlanDoc.WORKERS);
            ZombieOutcome zombieWrote = new ZombieOutcome(true, null, true, false, ZombieScenario.STALE_DECISION, 2);
            DemoOutcome broken = new DemoOutcome(outcome.plainAppend(), lostOne, outcome.plainZombie(), zombieWrote);
            ByteArrayOutputStream errors = new ByteArrayOutputStream();

            int exitCode = LostUpdateDemo.verdict(broken, silent(), new PrintStream(errors, true, StandardCharsets.UTF_8));

            assertThat(exitCode).isEqualTo(LostUpdateDemo.GUARD_FAILED);
            assertThat(errors.toString(StandardCharsets.UTF_8))
                    .contains("fencedstate lost results", "worker-1", "zombie's stale commit land");
        }

        @Test
        @DisplayName("the command line runs in a named empty directory and refuses a non-empty one")
        void commandLine(@TempDir Path elsewhere) throws IOException {
            Path named = elsewhere.resolve("named");
            assertThat(LostUpdateDemo.run(new String[] {named.toString()}, silent(), silent())).isZero();
            assertThat(Files.exists(named.resolve("fencedstate"))).isTrue();

            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int again = LostUpdateDemo.run(new String[] {named.toString()}, silent(),
                    new PrintStream(errors, true, StandardCharsets.UTF_8));
            assertThat(again).isEqualTo(LostUpdateDemo.DEMO_FAILED);
            assertThat(errors.toString(StandardCharsets.UTF_8)).contains("is not empty");
        }
    }

    private static PrintStream silent() {
        return new PrintStream(PrintStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    }
}
