package dev.fencedstate.samples.lostupdate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An expiry-based write lease, as most lease locks work: while the lease is live nobody else gets it; once the
 * deadline passes, anyone may take it. Nothing tells the old holder, and nothing stops its writes.
 */
final class NaiveLease {

    private final Clock clock;
    private @Nullable String holder;
    private Instant deadline = Instant.MIN;

    NaiveLease(Clock clock) {
        this.clock = clock;
    }

    /** Takes the lease for {@code lease} if it is free or expired; returns whether it was taken. */
    synchronized boolean tryAcquire(String writer, Duration lease) {
        Instant now = clock.instant();
        if (holder != null && now.isBefore(deadline)) {
            return false;
        }
        holder = writer;
        deadline = now.plus(lease);
        return true;
    }

    synchronized Instant deadline() {
        return deadline;
    }
}
