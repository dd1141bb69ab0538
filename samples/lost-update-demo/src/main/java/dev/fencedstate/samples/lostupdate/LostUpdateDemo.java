package dev.fencedstate.samples.lostupdate;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The main demo. Shows, on plain files and then through fencedstate's file backend, the two silent failures of state
 * shared by agents: six workers appending to one plan (lost updates), and a writer that wakes after its lease was
 * taken over (a zombie). Deterministic, offline, a few seconds.
 *
 * <p>Usage: {@code LostUpdateDemo [DIRECTORY]}: DIRECTORY must be empty or absent; by default a fresh temporary
 * directory. Exit code 0 when everything happened as shown; 1 if fencedstate failed to guard a write (the demo
 * doubles as a smoke test); 2 if the demo could not run or its own script did not play out.
 */
public final class LostUpdateDemo {

    static final int GUARD_FAILED = 1;
    static final int DEMO_FAILED = 2;

    private LostUpdateDemo() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the demo as the command line does and returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            Path directory = directoryFrom(args);
            DemoOutcome outcome = run(directory, out);
            return verdict(outcome, out, err);
        } catch (IllegalArgumentException | IOException | UncheckedIOException | IllegalStateException e) {
            err.println("The demo could not run: " + e.getMessage());
            return DEMO_FAILED;
        }
    }

    /** Runs the four scenarios in {@code directory} (which should be empty), printing the story to {@code out}. */
    static DemoOutcome run(Path directory, PrintStream out) throws IOException {
        Path plain = Files.createDirectories(directory.resolve("plain-files"));
        Path fenced = Files.createDirectories(directory.resolve("fencedstate"));
        out.println("fencedstate demo: lost updates and zombie writers, on plain files and through fencedstate");
        out.println("state directory: " + directory + "  (plain-files/ and fencedstate/ are kept for inspection)");

        out.println();
        out.println("== 1. Six workers append their results to one shared plan: plain file, read-modify-write ==");
        AppendOutcome plainAppend = AppendScenario.plainFile(plain, out);

        out.println();
        out.println("== 2. The same six workers through fencedstate: FencedStore.update over FileStorage ==");
        AppendOutcome fencedAppend = AppendScenario.fenced(fenced, out);

        out.println();
        out.println("== 3a. Zombie writer with plain version checks: a 30 s lease, then compare version and write ==");
        ZombieOutcome plainZombie = ZombieScenario.plainVersionCheck(plain, out);

        out.println();
        out.println("== 3b. Zombie writer with fencedstate: a Claim with a 30 s lease; commits are fenced by epoch ==");
        ZombieOutcome fencedZombie = ZombieScenario.fenced(fenced, out);

        DemoOutcome outcome = new DemoOutcome(plainAppend, fencedAppend, plainZombie, fencedZombie);
        printSummary(outcome, out);
        return outcome;
    }

    private static void printSummary(DemoOutcome outcome, PrintStream out) {
        AppendOutcome plainAppend = outcome.plainAppend();
        AppendOutcome fencedAppend = outcome.fencedAppend();
        ZombieOutcome fencedZombie = outcome.fencedZombie();
        var rejection = fencedZombie.zombieRejection();
        String row = "  %-22s | %-34s | %s%n";
        out.println();
        out.println("== Summary ==");
        out.printf(row, "", "naive (plain files)", "fencedstate (file backend)");
        out.printf(row, "six workers, one plan", plainAppend.missingWorkers().size() + " of " + PlanDoc.WORKERS
                + " results lost, silently", fencedAppend.missingWorkers().size() + " lost; "
                + fencedAppend.conflictsRetried() + " conflicts retried, v" + fencedAppend.finalVersion());
        out.printf(row, "zombie writer", outcome.plainZombie().staleCommitLanded()
                ? "stale commit landed, B refused" : "stale commit refused",
                rejection != null ? "FencedWriteException (epoch " + rejection.claimEpoch() + " < "
                        + rejection.currentEpoch() + "), B landed" : "stale commit landed");
        out.print("""
                A read-modify-write of a shared file keeps only the last writer's copy, and a version check alone
                cannot tell a stalled writer from a current one. fencedstate turns the first into a retried
                VersionConflictException and rejects the second with a FencedWriteException: every claim and
                reclamation bumps the key's epoch, and every commit checks epoch and version in the same atomic
                step. (Writers that bypass the library are not guarded.)
                """.indent(2));
    }

    /** Prints the verdict and returns the exit code: {@value #GUARD_FAILED} if fencedstate failed to guard. */
    static int verdict(DemoOutcome outcome, PrintStream out, PrintStream err) {
        List<String> guardFailures = outcome.guardFailures();
        List<String> deviations = outcome.scriptDeviations();
        out.println();
        if (!guardFailures.isEmpty()) {
            err.println("FAILED: fencedstate did not guard: " + String.join("; ", guardFailures));
            return GUARD_FAILED;
        }
        if (!deviations.isEmpty()) {
            err.println("FAILED: the demo did not play out as scripted: " + String.join("; ", deviations));
            return DEMO_FAILED;
        }
        out.println("OK: naive lost " + outcome.plainAppend().missingWorkers().size()
                + " results and let the zombie write; fencedstate lost none and fenced the zombie.");
        return 0;
    }

    private static Path directoryFrom(String[] args) throws IOException {
        // An empty argument means "not given": the Maven profile passes -Ddemo.dir, which is empty by default.
        List<String> given = Stream.of(args).filter(arg -> !arg.isBlank()).toList();
        if (given.size() > 1 || given.stream().anyMatch(arg -> arg.startsWith("-"))) {
            throw new IllegalArgumentException("usage: LostUpdateDemo [DIRECTORY]  (DIRECTORY empty or absent;"
                    + " default: a fresh temporary directory)");
        }
        if (given.isEmpty()) {
            return Files.createTempDirectory("fencedstate-demo-");
        }
        Path directory = Path.of(given.get(0)).toAbsolutePath().normalize();
        if (Files.exists(directory)) {
            try (Stream<Path> entries = Files.list(directory)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(directory + " is not empty; the demo needs an empty or new"
                            + " directory so that every run starts from the same state");
                }
            }
        }
        return Files.createDirectories(directory);
    }
}
