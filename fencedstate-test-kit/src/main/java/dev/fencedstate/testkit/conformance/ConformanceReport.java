package dev.fencedstate.testkit.conformance;

import java.util.Map;

/**
 * What a conformance run exercised, so a test can also check that the behaviours reached the interesting cases
 * (fenced zombies, reclamations, operations interleaved inside another one) and did not pass vacuously.
 *
 * @param seed                  the seed of the run
 * @param behaviours            how many behaviours ran, each on fresh keys
 * @param steps                 how many operations were checked, interleaved ones included
 * @param interleavedOperations how many operations ran between another operation's read and its compare-and-set
 * @param outcomes              how many operations ended with each outcome: READ, COMMITTED, CONFLICT, FENCED,
 *                              CLAIM_HELD, GRANTED, RECLAIMED, RENEWED, RELEASED, NOT_RELEASED, REVOKED,
 *                              NOTHING_TO_REVOKE
 */
public record ConformanceReport(long seed, int behaviours, long steps, long interleavedOperations,
        Map<String, Long> outcomes) {

    public ConformanceReport {
        outcomes = Map.copyOf(outcomes);
    }

    /** How many operations ended with {@code outcome} (0 if none). */
    public long count(String outcome) {
        return outcomes.getOrDefault(outcome, 0L);
    }
}
