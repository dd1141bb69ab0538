package dev.fencedstate.samples.lostupdate;

import java.util.ArrayList;
import java.util.List;

/** The four runs of the demo, and what in them went against the story. */
record DemoOutcome(AppendOutcome plainAppend, AppendOutcome fencedAppend, ZombieOutcome plainZombie,
        ZombieOutcome fencedZombie) {

    /** Where fencedstate failed to guard: each entry is a lost update or a zombie write it let through. */
    List<String> guardFailures() {
        List<String> failures = new ArrayList<>();
        if (!fencedAppend.allLanded()) {
            failures.add("fencedstate lost results: the plan holds " + fencedAppend.landed().size() + " of "
                    + PlanDoc.WORKERS + " (missing: " + fencedAppend.missingWorkers() + ")");
        }
        if (fencedZombie.staleCommitLanded()) {
            failures.add("fencedstate let the zombie's stale commit land");
        }
        if (!fencedZombie.replacementCommitLanded()
                || !fencedZombie.finalValue().equals(ZombieScenario.CURRENT_DECISION)) {
            failures.add("with fencedstate the decision ended as \"" + fencedZombie.finalValue() + "\", not B's");
        }
        var rejection = fencedZombie.zombieRejection();
        if (rejection != null && rejection.claimEpoch() >= rejection.currentEpoch()) {
            failures.add("the zombie's FencedWriteException names claim epoch " + rejection.claimEpoch()
                    + " and key epoch " + rejection.currentEpoch() + "; the key's must be newer");
        }
        return failures;
    }

    /**
     * Where the demo's own script did not play out (the naive runs lost nothing, the conflicts were not the five the
     * forced interleaving makes, the version moved under the zombie). These are bugs in the demo, not in fencedstate.
     */
    List<String> scriptDeviations() {
        List<String> deviations = new ArrayList<>();
        if (plainAppend.missingWorkers().isEmpty()) {
            deviations.add("the plain-file run lost no result, so it showed nothing");
        }
        if (fencedAppend.conflictsRetried() != PlanDoc.WORKERS - 1) {
            deviations.add("expected " + (PlanDoc.WORKERS - 1) + " retried conflicts with fencedstate, saw "
                    + fencedAppend.conflictsRetried());
        }
        if (fencedAppend.finalVersion() != PlanDoc.WORKERS + 1) {
            deviations.add("expected the plan at version " + (PlanDoc.WORKERS + 1) + ", saw "
                    + fencedAppend.finalVersion());
        }
        if (!plainZombie.staleCommitLanded()) {
            deviations.add("with plain version checks the zombie's commit did not land, so it showed nothing");
        }
        if (!plainZombie.versionUnchangedAtWake() || !fencedZombie.versionUnchangedAtWake()) {
            deviations.add("the version moved before the zombie woke, so a version check alone would have caught it");
        }
        return deviations;
    }
}
