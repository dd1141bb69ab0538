package dev.fencedstate;

import java.time.Duration;

/**
 * Receives what a {@link FencedStore} does, for metrics and tracing (the Spring Boot starter maps these onto
 * Micrometer). Called synchronously on the writer's thread after each outcome; implementations must be fast and must
 * not throw. Every method does nothing by default.
 */
public interface FencedStoreListener {

    /** The outcome of one commit or delete attempt. */
    enum CommitOutcome {
        COMMITTED, CONFLICT, FENCED, CLAIM_HELD, FAILED
    }

    /** A change to a key's write grant. */
    enum ClaimEvent {
        /** A claim was granted on an unclaimed key. */
        GRANTED,
        /** A claim was granted by taking over an expired one; the old holder is now fenced. */
        RECLAIMED,
        /** A claim was refused because another is live. */
        HELD,
        RENEWED,
        RELEASED,
        /** Recovery ended a claim by force; the old holder is now fenced. */
        REVOKED
    }

    /** A listener that ignores everything. */
    FencedStoreListener NONE = new FencedStoreListener() {
    };

    /** One commit or delete attempt ended with {@code outcome} after {@code elapsed}. */
    default void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
    }

    /** {@link FencedStore#update} lost attempt {@code failedAttempt} to a conflict and retries after {@code backoff}. */
    default void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException conflict) {
    }

    /** A key's grant changed (or a claim was refused). */
    default void onClaim(String key, ClaimEvent event) {
    }
}
