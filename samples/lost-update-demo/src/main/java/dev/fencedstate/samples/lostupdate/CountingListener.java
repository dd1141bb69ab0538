package dev.fencedstate.samples.lostupdate;

import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.VersionConflictException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what the stores report, the way a metrics binder would; the demo prints the counts. */
final class CountingListener implements FencedStoreListener {

    private final AtomicInteger commits = new AtomicInteger();
    private final AtomicInteger conflicts = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final List<String> events = new ArrayList<>();

    @Override
    public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
        if (outcome == CommitOutcome.COMMITTED) {
            commits.incrementAndGet();
        } else if (outcome == CommitOutcome.CONFLICT) {
            conflicts.incrementAndGet();
        }
        record("commit " + outcome);
    }

    @Override
    public void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException conflict) {
        retries.incrementAndGet();
    }

    @Override
    public void onClaim(String key, ClaimEvent event) {
        record("claim " + event);
    }

    int commits() {
        return commits.get();
    }

    int conflicts() {
        return conflicts.get();
    }

    /** Conflicts that {@code FencedStore.update} answered by reading fresh and trying again. */
    int retries() {
        return retries.get();
    }

    /** Every commit outcome and claim event, in the order they were reported. */
    List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    private void record(String event) {
        synchronized (events) {
            events.add(event);
        }
    }
}
