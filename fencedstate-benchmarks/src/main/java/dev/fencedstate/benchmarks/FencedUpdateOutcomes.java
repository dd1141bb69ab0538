package dev.fencedstate.benchmarks;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.RetriesExhaustedException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-thread tallies of a hot-key {@code fencedUpdate} benchmark, and the loop that produces them; shared by the file
 * and PostgreSQL hot-key benchmarks so both count the same way. Raw counts ({@code EVENTS}), not rates: JMH's aux
 * counters also count the operations run while it synchronises the threads at the start and end of an iteration, so
 * only their ratios are meaningful (conflicts per commit); the goodput is the primary score.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class FencedUpdateOutcomes {

    /** Successful commits. */
    public long commits;
    /** Attempts that lost to a concurrent commit (each costs one more read-compute-commit). */
    public long conflicts;
    /** Calls of {@code update} that lost every attempt of the retry policy and were called again. */
    public long gaveUp;

    private int attemptsOfThisCall;

    @Setup(Level.Iteration)
    public void reset() {
        commits = 0;
        conflicts = 0;
        gaveUp = 0;
    }

    /**
     * One increment that landed. An update that exhausts the retry policy is reported to its caller, never lost; an
     * application would try again, and so does this loop, so the score is goodput. The trial-wide totals are added to
     * {@code trialCommits} and {@code trialGaveUp}.
     */
    Snapshot updateUntilCommitted(FencedStore store, String key, Function<Snapshot, byte[]> increment,
            LongAdder trialCommits, LongAdder trialGaveUp) {
        while (true) {
            attemptsOfThisCall = 0;
            try {
                Snapshot committed = store.update(key, base -> {
                    attemptsOfThisCall++;
                    return increment.apply(base);
                });
                commits++;
                conflicts += attemptsOfThisCall - 1;
                trialCommits.increment();
                return committed;
            } catch (RetriesExhaustedException everyAttemptLost) {
                gaveUp++;
                conflicts += attemptsOfThisCall;
                trialGaveUp.increment();
            }
        }
    }
}
