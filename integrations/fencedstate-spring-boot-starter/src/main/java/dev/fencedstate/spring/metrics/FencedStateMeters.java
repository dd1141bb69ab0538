package dev.fencedstate.spring.metrics;

import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import dev.fencedstate.spring.FencedStoreListenerFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Publishes the meters of {@link FencedStateMetricNames} for every store the starter builds. All counters and timers
 * of a store are registered when the store is built, with every outcome and event, so dashboards see zeros rather
 * than missing series before the first conflict.
 */
public class FencedStateMeters implements FencedStoreListenerFactory {

    private static final Log LOG = LogFactory.getLog(FencedStateMeters.class);

    private final MeterRegistry registry;

    public FencedStateMeters(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public FencedStoreListener listenerFor(String storeName) {
        return new MeteringListener(registry, storeName);
    }

    @Override
    public void storeCreated(FencedStore store) {
        // Strong reference: the store lives as long as the application, and a gauge must never silently turn NaN.
        Gauge.builder(FencedStateMetricNames.LIVE_CLAIMS, store, FencedStateMeters::liveClaims)
                .description("Keys of the store with a live claim")
                .tag(FencedStateMetricNames.TAG_STORE, store.name())
                .strongReference(true)
                .register(registry);
    }

    /** Counts keys whose claim's lease has not ended by the backend's clock. */
    static double liveClaims(FencedStore store) {
        StateStorage storage = store.storage();
        try {
            int live = 0;
            for (String key : storage.keys()) {
                StorageRead read = storage.read(key);
                StoredRecord record = read.record();
                if (record != null && record.isClaimedAt(read.now())) {
                    live++;
                }
            }
            return live;
        } catch (RuntimeException e) {
            LOG.warn("Cannot count the live claims of fencedstate store '" + store.name() + "' (" + e
                    + "); the gauge " + FencedStateMetricNames.LIVE_CLAIMS + " reports NaN until the backend answers");
            return Double.NaN;
        }
    }

    private static final class MeteringListener implements FencedStoreListener {

        private final Map<CommitOutcome, Counter> commits = new EnumMap<>(CommitOutcome.class);
        private final Map<CommitOutcome, Timer> latencies = new EnumMap<>(CommitOutcome.class);
        private final Map<ClaimEvent, Counter> claims = new EnumMap<>(ClaimEvent.class);
        private final Counter retries;

        MeteringListener(MeterRegistry registry, String storeName) {
            for (CommitOutcome outcome : CommitOutcome.values()) {
                String tag = FencedStateMetricNames.outcome(outcome);
                commits.put(outcome, Counter.builder(FencedStateMetricNames.COMMITS)
                        .description("Commit and delete attempts by outcome")
                        .tag(FencedStateMetricNames.TAG_STORE, storeName)
                        .tag(FencedStateMetricNames.TAG_OUTCOME, tag)
                        .register(registry));
                latencies.put(outcome, Timer.builder(FencedStateMetricNames.COMMIT_LATENCY)
                        .description("Duration of commit and delete attempts by outcome")
                        .tag(FencedStateMetricNames.TAG_STORE, storeName)
                        .tag(FencedStateMetricNames.TAG_OUTCOME, tag)
                        .register(registry));
            }
            for (ClaimEvent event : ClaimEvent.values()) {
                claims.put(event, Counter.builder(FencedStateMetricNames.CLAIMS)
                        .description("Claim events: granted, reclaimed, held (refused), renewed, released, revoked")
                        .tag(FencedStateMetricNames.TAG_STORE, storeName)
                        .tag(FencedStateMetricNames.TAG_EVENT, FencedStateMetricNames.event(event))
                        .register(registry));
            }
            retries = Counter.builder(FencedStateMetricNames.RETRIES)
                    .description("Version conflicts retried by updates")
                    .tag(FencedStateMetricNames.TAG_STORE, storeName)
                    .register(registry);
        }

        @Override
        public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
            commits.get(outcome).increment();
            latencies.get(outcome).record(elapsed);
        }

        @Override
        public void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException conflict) {
            retries.increment();
        }

        @Override
        public void onClaim(String key, ClaimEvent event) {
            claims.get(event).increment();
        }
    }
}
