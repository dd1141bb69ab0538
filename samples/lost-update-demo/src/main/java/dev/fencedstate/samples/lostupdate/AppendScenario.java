package dev.fencedstate.samples.lostupdate;

import static dev.fencedstate.samples.lostupdate.PlanDoc.WORKERS;
import static dev.fencedstate.samples.lostupdate.PlanDoc.WORKER_RESULTS;
import static dev.fencedstate.samples.lostupdate.PlanDoc.workerName;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Retrier;
import dev.fencedstate.Snapshot;
import dev.fencedstate.file.FileStorage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Part 1 and 2 of the demo: a planner dispatches six workers, and each appends its result to the one shared plan.
 * The threads are lined up with a barrier so that every worker reads the plan before any of them writes: the
 * interleaving that loses updates in production by bad luck happens here every time.
 */
final class AppendScenario {

    static final String PLAN_KEY = "plans/" + PlanDoc.PLAN;

    private AppendScenario() {
    }

    /**
     * Plain file, read-modify-write: read plan.json, append, write plan.json. All six read the same document; each
     * write replaces the file with that document plus one result, so every write erases the ones before it. (The
     * writes go one at a time, in worker order, only so the output is the same on every run.)
     */
    static AppendOutcome plainFile(Path directory, PrintStream out) throws IOException {
        Path planFile = directory.resolve("plan.json");
        Files.writeString(planFile, PlanDoc.dispatched().toJson());
        out.println("  planner    wrote plan.json and dispatched six workers: " + PlanDoc.dispatched().toJson());

        CyclicBarrier allHaveRead = new CyclicBarrier(WORKERS);
        CountDownLatch[] written = latches();
        int[] resultsSeen = new int[WORKERS];
        Steps.runWorkers(WORKERS, worker -> {
            PlanDoc read = PlanDoc.parse(Files.readString(planFile));
            resultsSeen[worker] = read.results().size();
            Steps.await(allHaveRead, "all six workers have read plan.json");
            for (int earlier = 0; earlier < worker; earlier++) {
                Steps.await(written[earlier], workerName(earlier) + " has written plan.json");
            }
            Files.writeString(planFile, read.with(WORKER_RESULTS.get(worker)).toJson());
            written[worker].countDown();
        });

        out.println("  worker-1..6 each read plan.json (" + describeCounts(resultsSeen) + ") before any of them wrote");
        out.println("  worker-1..6 each wrote plan.json back: the document it had read + its own result");
        PlanDoc last = PlanDoc.parse(Files.readString(planFile));
        out.println("  plan.json now:");
        last.results().forEach(result -> out.println("               " + result));
        AppendOutcome outcome = new AppendOutcome(last.results(), last.missingWorkers(), 0, -1);
        out.println("  => " + last.results().size() + " of " + WORKERS + " results in the plan; LOST "
                + outcome.missingWorkers().size() + ": " + String.join(", ", outcome.missingWorkers())
                + ". Nobody was told.");
        return outcome;
    }

    /**
     * The same six workers through {@link FencedStore#update} over the file backend. All six read the same version
     * (the barrier inside the update function), then commit at the same time: exactly one wins, the other five get
     * a version conflict, and {@code update} reads fresh, recomputes and commits again. The demo's sleeper lets the
     * retries through one at a time in worker order, so the count of retried conflicts is the same on every run.
     */
    static AppendOutcome fenced(Path directory, PrintStream out) {
        try (FencedStore planner = store(directory, "planner", new CountingListener(), backoff -> { })) {
            Snapshot dispatched = planner.update(PLAN_KEY, current -> PlanDoc.dispatched().toBytes());
            out.println("  planner    committed " + PLAN_KEY + " at version " + dispatched.version()
                    + " and dispatched six workers");
        }

        CountingListener counts = new CountingListener();
        CyclicBarrier allHaveRead = new CyclicBarrier(WORKERS);
        CountDownLatch[] landed = latches();
        long[] versionRead = new long[WORKERS];
        int[] attempts = new int[WORKERS];
        Steps.runWorkers(WORKERS, worker -> {
            // The demo's scheduler instead of a backoff sleep: a retry waits until every lower-numbered worker has
            // landed, so retries do not collide again and the figures are reproducible.
            Retrier.Sleeper waitForTurn = backoff -> {
                for (int earlier = 0; earlier < worker; earlier++) {
                    Steps.await(landed[earlier], workerName(earlier) + " has committed");
                }
            };
            try (FencedStore store = store(directory, workerName(worker), counts, waitForTurn)) {
                store.update(PLAN_KEY, current -> {
                    if (attempts[worker]++ == 0) {
                        versionRead[worker] = current.version();
                        Steps.await(allHaveRead, "all six workers have read " + PLAN_KEY);
                    }
                    return PlanDoc.parse(current.value().orElseThrow()).with(WORKER_RESULTS.get(worker)).toBytes();
                });
            }
            landed[worker].countDown();
        });

        int firstTry = IntStream.range(0, WORKERS).filter(worker -> attempts[worker] == 1).findFirst().orElse(-1);
        out.println("  worker-1..6 each read " + PLAN_KEY + " at " + describeVersions(versionRead)
                + " before any of them committed");
        out.println("  all six committed at once: " + (firstTry < 0 ? "nobody" : workerName(firstTry))
                + " won; the other " + counts.conflicts() + " got VersionConflictException (nothing written)");
        out.println("  FencedStore.update retried each conflict from a fresh read: " + counts.retries()
                + " retries, then " + counts.commits() + " commits in all");
        Snapshot last;
        try (FencedStore reader = store(directory, "reader", new CountingListener(), backoff -> { })) {
            last = reader.read(PLAN_KEY);
        }
        PlanDoc plan = PlanDoc.parse(last.value().orElseThrow());
        out.println("  " + PLAN_KEY + " now (version " + last.version() + ", in commit order):");
        plan.results().forEach(result -> out.println("               " + result));
        AppendOutcome outcome = new AppendOutcome(plan.results(), plan.missingWorkers(), counts.retries(),
                last.version());
        out.println("  => " + plan.results().size() + " of " + WORKERS + " results in the plan; lost "
                + outcome.missingWorkers().size() + "; version conflicts retried: " + outcome.conflictsRetried()
                + "; final version " + outcome.finalVersion());
        return outcome;
    }

    /** One store per writer, each with its own FileStorage on the shared directory, as separate processes would. */
    private static FencedStore store(Path directory, String writer, CountingListener counts,
            Retrier.Sleeper sleeper) {
        return FencedStore.builder(FileStorage.open(directory)).name("demo").writerId(writer).listener(counts)
                .sleeper(sleeper).build();
    }

    private static CountDownLatch[] latches() {
        CountDownLatch[] latches = new CountDownLatch[WORKERS];
        for (int i = 0; i < WORKERS; i++) {
            latches[i] = new CountDownLatch(1);
        }
        return latches;
    }

    private static String describeCounts(int[] resultsSeen) {
        long distinct = IntStream.of(resultsSeen).distinct().count();
        return distinct == 1 ? "all saw " + resultsSeen[0] + " results" : "saw " + Arrays.toString(resultsSeen)
                + " results";
    }

    private static String describeVersions(long[] versions) {
        long distinct = LongStream.of(versions).distinct().count();
        return distinct == 1 ? "the same version " + versions[0] : "versions " + Arrays.toString(versions);
    }
}
