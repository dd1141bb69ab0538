package dev.fencedstate.samples.agents;

import java.util.Map;

/**
 * What the demo observed, and whether the guarantees held.
 *
 * @param resultsKept      results on the board at the end (the six workers', the late worker's and the other
 *                         instance's, if no update was lost)
 * @param tally            the finished-workers counter at the end
 * @param attemptsByWorker how many read-compute-commit attempts each of the six workers needed for the board
 * @param conflicts        version conflicts, as counted by fencedstate.commits{outcome=conflict}
 * @param lateAttempts     the attempts of the update that another instance's commit overtook
 * @param zombieFenced     whether the stalled worker's late commit was refused as fenced
 * @param zombieAttempts   how many times the stalled worker's commit ran (never retried: 1)
 * @param summaryAuthor    who wrote the summary that stands
 */
public record DemoReport(int resultsKept, int tally, Map<String, Integer> attemptsByWorker, double conflicts,
        int lateAttempts, boolean zombieFenced, int zombieAttempts, String summaryAuthor) {

    /**
     * Whether no update was lost, the six updates at once took turns (one attempt each, no conflict), the one
     * conflict with another instance was retried, and the zombie was fenced once and not retried.
     */
    public boolean ok() {
        return resultsKept == AgentsDemo.WORKERS + 2 && tally == AgentsDemo.WORKERS
                && attemptsByWorker.values().stream().allMatch(attempts -> attempts == 1)
                && conflicts == 1 && lateAttempts == 2 && zombieFenced && zombieAttempts == 1
                && AgentsDemo.PLANNER.equals(summaryAuthor);
    }
}
