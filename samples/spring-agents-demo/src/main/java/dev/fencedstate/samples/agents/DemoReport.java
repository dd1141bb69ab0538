package dev.fencedstate.samples.agents;

import java.util.Map;

/**
 * What the demo observed, and whether the two guarantees held.
 *
 * @param resultsKept       results on the board at the end (six if no update was lost)
 * @param tally             the finished-workers counter at the end
 * @param attemptsByWorker  how many read-compute-commit attempts each worker needed for the board
 * @param conflictsRetried  version conflicts retried, as counted by the fencedstate.retries meter
 * @param zombieFenced      whether the stalled worker's late commit was refused as fenced
 * @param zombieAttempts    how many times the stalled worker's commit ran (never retried: 1)
 * @param summaryAuthor     who wrote the summary that stands
 */
public record DemoReport(int resultsKept, int tally, Map<String, Integer> attemptsByWorker, double conflictsRetried,
        boolean zombieFenced, int zombieAttempts, String summaryAuthor) {

    /** Whether no update was lost, conflicts were retried, and the zombie was fenced once and not retried. */
    public boolean ok() {
        return resultsKept == AgentsDemo.WORKERS && tally == AgentsDemo.WORKERS
                && conflictsRetried >= AgentsDemo.WORKERS - 1 && zombieFenced && zombieAttempts == 1
                && AgentsDemo.PLANNER.equals(summaryAuthor);
    }
}
