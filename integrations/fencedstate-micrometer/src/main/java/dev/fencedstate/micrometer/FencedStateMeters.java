package dev.fencedstate.micrometer;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedStoreListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of one store ({@link FencedStateMetricNames}), as the store's {@link FencedStoreListener}. Usable from
 * any application:
 *
 * <pre>{@code
 * FencedStore store = FencedStore.builder(storage).name("plans")
 *         .listener(new FencedStateMeters(meterRegistry, "plans"))
 *         .build();
 * }</pre>
 *
 * Every meter is registered here, with every outcome and event, so dashboards see zeros rather than missing series
 * before the first conflict. One meter per fact: a commit attempt is one timer sample (its count and its duration),
 * a retried operation one sample of its attempts.
 *
 * <p>The live-claims gauge reads no storage: it follows the leases this process was granted or renewed (core's
 * {@link FencedStoreListener#onLease}), drops a claim when it is released or revoked here, and counts those whose
 * deadline is still ahead of the clock when sampled. So a scrape costs one pass over this process's own live claims,
 * never a read of every key, and the gauge is never NaN. Claims held by other processes are theirs to report; a claim
 * of this process that another process revokes is counted until its lease would have ended (a reclaim happens only
 * after that anyway).
 */
public final class FencedStateMeters implements FencedStoreListener {

    // Indexed by ordinal: every outcome and event has its meter, registered up front.
    private final Timer[] commits = new Timer[CommitOutcome.values().length];
    private final DistributionSummary[] updates = new DistributionSummary[UpdateOutcome.values().length];
    private final Counter[] claims = new Counter[ClaimEvent.values().length];
    /** When, by {@link #clock}, the lease of each key this process holds a claim on ends. */
    private final Map<String, Instant> leases = new ConcurrentHashMap<>();
    private final Clock clock;

    /** The meters of the store named {@code storeName}; leases are judged by the system clock. */
    public FencedStateMeters(MeterRegistry registry, String storeName) {
        this(registry, storeName, Clock.systemUTC());
    }

    /**
     * @param clock the clock the live-claims gauge counts leases on (each from the moment it was granted or renewed
     *              here); a test moves it with the backend's
     */
    public FencedStateMeters(MeterRegistry registry, String storeName, Clock clock) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(storeName, "storeName");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (CommitOutcome outcome : CommitOutcome.values()) {
            commits[outcome.ordinal()] = (Timer.builder(FencedStateMetricNames.COMMITS)
                    .description("Commit and delete attempts, by outcome")
                    .tag(FencedStateMetricNames.TAG_STORE, storeName)
                    .tag(FencedStateMetricNames.TAG_OUTCOME, FencedStateMetricNames.outcome(outcome))
                    .register(registry));
        }
        for (UpdateOutcome outcome : UpdateOutcome.values()) {
            updates[outcome.ordinal()] = (DistributionSummary.builder(FencedStateMetricNames.UPDATE_ATTEMPTS)
                    .description("Attempts per update (read, compute, commit), by how the update ended; "
                            + "outcome exhausted counts updates that gave up")
                    .tag(FencedStateMetricNames.TAG_STORE, storeName)
                    .tag(FencedStateMetricNames.TAG_OUTCOME, FencedStateMetricNames.outcome(outcome))
                    .serviceLevelObjectives(1, 2, 3, 5, 10)
                    .register(registry));
        }
        for (ClaimEvent event : ClaimEvent.values()) {
            claims[event.ordinal()] = (Counter.builder(FencedStateMetricNames.CLAIMS)
                    .description("Claim events: granted, reclaimed, held (refused), renewed, released, revoked")
                    .tag(FencedStateMetricNames.TAG_STORE, storeName)
                    .tag(FencedStateMetricNames.TAG_EVENT, FencedStateMetricNames.event(event))
                    .register(registry));
        }
        // A strong reference: the gauge lives as long as the registry and must never turn NaN when this is collected.
        Gauge.builder(FencedStateMetricNames.LIVE_CLAIMS, this, FencedStateMeters::liveClaims)
                .description("Claims this process holds whose lease has not ended")
                .tag(FencedStateMetricNames.TAG_STORE, storeName)
                .strongReference(true)
                .register(registry);
    }

    @Override
    public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
        commits[outcome.ordinal()].record(elapsed);
    }

    @Override
    public void onUpdate(String key, UpdateOutcome outcome, int attempts, Duration elapsed) {
        updates[outcome.ordinal()].record(attempts);
    }

    @Override
    public void onClaim(String key, ClaimEvent event) {
        claims[event.ordinal()].increment();
        if (event == ClaimEvent.RELEASED || event == ClaimEvent.REVOKED) {
            leases.remove(key);
        }
    }

    @Override
    public void onLease(Claim claim, Duration lease) {
        // The lease's length, not the backend's deadline: counted on this clock, a skewed backend clock cannot
        // make the gauge wrong.
        leases.put(claim.key(), clock.instant().plus(lease));
    }

    /** Claims held here whose lease is still running; forgets those that ended, so the map stays small. */
    double liveClaims() {
        Instant now = clock.instant();
        leases.values().removeIf(deadline -> !deadline.isAfter(now));
        return leases.size();
    }
}
