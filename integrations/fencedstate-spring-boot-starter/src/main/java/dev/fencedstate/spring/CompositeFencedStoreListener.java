package dev.fencedstate.spring;

import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.VersionConflictException;
import java.time.Duration;
import java.util.List;
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
        for (FencedStoreListener listener : listeners) {
            try {
                listener.onCommit(key, outcome, elapsed);
            } catch (RuntimeException e) {
                logFailure(listener, e);
            }
        }
    }

    @Override
    public void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException conflict) {
        for (FencedStoreListener listener : listeners) {
            try {
                listener.onRetry(key, failedAttempt, backoff, conflict);
            } catch (RuntimeException e) {
                logFailure(listener, e);
            }
        }
    }

    @Override
    public void onClaim(String key, ClaimEvent event) {
        for (FencedStoreListener listener : listeners) {
            try {
                listener.onClaim(key, event);
            } catch (RuntimeException e) {
                logFailure(listener, e);
            }
        }
    }

    private void logFailure(FencedStoreListener listener, RuntimeException e) {
        LOG.warn("Listener " + listener + " of fencedstate store '" + storeName + "' failed; the write itself is "
                + "not affected", e);
    }
}
