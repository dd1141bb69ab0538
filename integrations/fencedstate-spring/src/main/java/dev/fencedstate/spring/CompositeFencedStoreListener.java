package dev.fencedstate.spring;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.VersionConflictException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Calls several listeners in turn. A listener that throws is logged and skipped: observing a write must never be
 * able to fail it, and the other listeners still hear about it.
 */
final class CompositeFencedStoreListener implements FencedStoreListener {

    private static final Log LOG = LogFactory.getLog(CompositeFencedStoreListener.class);

    private final String storeName;
    private final List<FencedStoreListener> listeners;

    private CompositeFencedStoreListener(String storeName, List<FencedStoreListener> listeners) {
        this.storeName = storeName;
        this.listeners = List.copyOf(listeners);
    }

    static FencedStoreListener of(String storeName, List<FencedStoreListener> listeners) {
        return listeners.isEmpty() ? FencedStoreListener.NONE : new CompositeFencedStoreListener(storeName, listeners);
    }

    @Override
    public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
        each(listener -> listener.onCommit(key, outcome, elapsed));
    }

    @Override
    public void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException conflict) {
        each(listener -> listener.onRetry(key, failedAttempt, backoff, conflict));
    }

    @Override
    public void onUpdate(String key, UpdateOutcome outcome, int attempts, Duration elapsed) {
        each(listener -> listener.onUpdate(key, outcome, attempts, elapsed));
    }

    @Override
    public void onClaim(String key, ClaimEvent event) {
        each(listener -> listener.onClaim(key, event));
    }

    @Override
    public void onLease(Claim claim, Duration lease) {
        each(listener -> listener.onLease(claim, lease));
    }

    private void each(Consumer<FencedStoreListener> call) {
        for (FencedStoreListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("Listener " + listener + " of fencedstate store '" + storeName + "' failed; the write itself "
                        + "is not affected", e);
            }
        }
    }
}
