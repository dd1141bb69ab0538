package dev.fencedstate.samples.lostupdate;

import java.util.List;

/**
 * How six workers' appends to the shared plan ended.
 *
 * @param landed           the results the plan holds at the end, in stored order
 * @param missingWorkers   the workers whose result is not in the plan
 * @param conflictsRetried version conflicts answered by a fresh read and another attempt (0 for the plain file,
 *                         which cannot notice a conflict)
 * @param finalVersion     the plan's version at the end, or -1 for the plain file, which has none
 */
record AppendOutcome(List<String> landed, List<String> missingWorkers, int conflictsRetried, long finalVersion) {

    AppendOutcome {
        landed = List.copyOf(landed);
        missingWorkers = List.copyOf(missingWorkers);
    }

    /** Every worker's result is in the plan, exactly once. */
    boolean allLanded() {
        return missingWorkers.isEmpty() && landed.size() == PlanDoc.WORKERS;
    }
}
