package dev.fencedstate.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/** A clock that stands still until a test moves it, so lease expiry is tested by moving time, not by sleeping. */
public final class ManualClock extends Clock {

    private final Instant start;
    private volatile Instant now;

    private ManualClock(Instant start) {
        this.start = start;
        this.now = start;
    }

    /** A clock at a fixed, arbitrary instant. */
    public static ManualClock create() {
        return startingAt(Instant.parse("2030-01-01T00:00:00Z"));
    }

    public static ManualClock startingAt(Instant start) {
        return new ManualClock(Objects.requireNonNull(start, "start"));
    }

    /** Moves the clock forward; thread-safe. */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward, got " + duration);
        }
        synchronized (this) {
            now = now.plus(duration);
        }
    }

    /** How far the clock has been moved since it was created (what a backend with its own clock adds to it). */
    public Duration elapsed() {
        return Duration.between(start, now);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("ManualClock is always UTC");
    }
}
