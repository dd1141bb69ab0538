package dev.fencedstate.spring.boot.actuate;

import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.spring.FencedStoreListenerFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Remembers what happened to each store since the application started, for the {@code fencedstates} endpoint:
 * counts of commits, conflicts, fenced writes, refused claims, retries and updates that gave up, per store and per
 * key, and the most recent {@value #RECENT_EVENTS} notable events (conflicts, fenced writes, give-ups, refused,
 * reclaimed and revoked claims).
 */
public class FencedStateActivity implements FencedStoreListenerFactory {

    /** How many recent events each store keeps. */
    public static final int RECENT_EVENTS = 20;

    /** What happened to one key, counted since the application started. */
    public record KeyCounts(long conflicts, long fenced) {
    }

    /** One notable event. */
    public record Event(Instant at, String key, String kind) {
    }

    /** What happened to one store since the application started. */
    public record StoreActivity(long commits, long conflicts, long fenced, long claimHeld, long retries,
            long exhausted, List<Event> recent) {
    }

    private final Clock clock;
    private final Map<String, Tracker> trackers = new ConcurrentHashMap<>();

    public FencedStateActivity(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public FencedStoreListener listenerFor(String storeName) {
        return trackers.computeIfAbsent(storeName, name -> new Tracker(clock));
    }

    /** The activity of a store, or empty counts if nothing was recorded for it. */
    public StoreActivity activity(String storeName) {
        Tracker tracker = trackers.get(storeName);
        return tracker == null ? new StoreActivity(0, 0, 0, 0, 0, 0, List.of()) : tracker.snapshot();
    }

    /** The counts of one key of a store. */
    public KeyCounts keyCounts(String storeName, String key) {
        Tracker tracker = trackers.get(storeName);
        KeyTracker keyTracker = tracker == null ? null : tracker.keys.get(key);
        return keyTracker == null ? new KeyCounts(0, 0)
                : new KeyCounts(keyTracker.conflicts.sum(), keyTracker.fenced.sum());
    }

    private static final class KeyTracker {
        final LongAdder conflicts = new LongAdder();
        final LongAdder fenced = new LongAdder();
    }

    private static final class Tracker implements FencedStoreListener {

        private final Clock clock;
        private final LongAdder commits = new LongAdder();
        private final LongAdder conflicts = new LongAdder();
        private final LongAdder fenced = new LongAdder();
        private final LongAdder claimHeld = new LongAdder();
        private final LongAdder retries = new LongAdder();
        private final LongAdder exhausted = new LongAdder();
        private final Map<String, KeyTracker> keys = new ConcurrentHashMap<>();
        private final Deque<Event> recent = new ArrayDeque<>();

        Tracker(Clock clock) {
            this.clock = clock;
        }

        @Override
        public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
            switch (outcome) {
                case COMMITTED -> commits.increment();
                case CONFLICT -> {
                    conflicts.increment();
                    keys.computeIfAbsent(key, k -> new KeyTracker()).conflicts.increment();
                    remember(key, "conflict");
                }
                case FENCED -> {
                    fenced.increment();
                    keys.computeIfAbsent(key, k -> new KeyTracker()).fenced.increment();
                    remember(key, "fenced");
                }
                case CLAIM_HELD -> {
                    claimHeld.increment();
                    remember(key, "claim-held");
                }
                case FAILED -> remember(key, "failed");
            }
        }

        @Override
        public void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException conflict) {
            retries.increment();
        }

        @Override
        public void onUpdate(String key, UpdateOutcome outcome, int attempts, Duration elapsed) {
            if (outcome == UpdateOutcome.EXHAUSTED) {
                exhausted.increment();
                remember(key, "exhausted");
            }
        }

        @Override
        public void onClaim(String key, ClaimEvent event) {
            switch (event) {
                case RECLAIMED -> remember(key, "reclaimed");
                case REVOKED -> remember(key, "revoked");
                case HELD -> remember(key, "claim-refused");
                default -> {
                }
            }
        }

        private void remember(String key, String kind) {
            Event event = new Event(clock.instant(), key, kind);
            synchronized (recent) {
                recent.addFirst(event);
                while (recent.size() > RECENT_EVENTS) {
                    recent.removeLast();
                }
            }
        }

        StoreActivity snapshot() {
            List<Event> events;
            synchronized (recent) {
                events = new ArrayList<>(recent);
            }
            return new StoreActivity(commits.sum(), conflicts.sum(), fenced.sum(), claimHeld.sum(), retries.sum(),
                    exhausted.sum(), List.copyOf(events));
        }
    }
}
