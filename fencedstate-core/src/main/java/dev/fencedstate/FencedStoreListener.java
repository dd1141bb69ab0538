package dev.fencedstate;

import java.time.Duration;

/**
 * Receives what a {@link FencedStore} does, for metrics and tracing (fencedstate-micrometer maps these onto
 * Micrometer). Called synchronously on the writer's thread after each outcome; implementations must be fast and must
 * not throw. Every method does nothing by default.
 */
public interface FencedStoreListener {

    /** The outcome of one commit or delete attempt. */
    enum CommitOutcome {
        COMMITTED, CONFLICT, FENCED, CLAIM_HELD, FAILED;

        /** The outcome a commit that failed with {@code failure} had: the one mapping every integration uses. */
        public static CommitOutcome of(Throwable failure) {
            if (failure instanceof VersionConflictException) {
                return CONFLICT;
            }
            if (failure instanceof FencedWriteException) {
                return FENCED;
            }
            if (failure instanceof ClaimHeldException) {
                return CLAIM_HELD;
            }
            return FAILED;
        }
    }

    /** How a retried operation ({@link FencedStore#update}, anything run by a {@link Retrier}) ended. */
    enum UpdateOutcome {
        /** An attempt committed. */
        COMMITTED,
        /** The retry budget was spent, every attempt lost to a conflict: {@link RetriesExhaustedException}. */
        EXHAUSTED,
        /** The writer's claim had ended: never retried. */
        FENCED,
        /** Another writer holds a live claim: not retried. */
        CLAIM_HELD,
        /** Anything else (a storage failure, an invalid key, the update function threw). */
        FAILED;

        /** The outcome of an operation that ended with {@code failure}. */
        public static UpdateOutcome of(Throwable failure) {
            if (failure instanceof RetriesExhaustedException) {
                return EXHAUSTED;
            }
            return switch (CommitOutcome.of(failure)) {
                case FENCED -> FENCED;
                case CLAIM_HELD -> CLAIM_HELD;
                default -> FAILED;
            };
        }
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

    /** A retried operation lost attempt {@code failedAttempt} to a conflict and retries after {@code backoff}. */
    default void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException conflict) {
    }

    /**
     * A retried operation on {@code key} ended with {@code outcome} after {@code attempts} attempts (0 if its budget
     * ran out while it waited for its turn) and {@code elapsed}.
     */
    default void onUpdate(String key, UpdateOutcome outcome, int attempts, Duration elapsed) {
    }

    /** A key's grant changed (or a claim was refused). */
    default void onClaim(String key, ClaimEvent event) {
    }

    /**
     * A claim was granted (a reclamation included) or renewed for {@code lease}: it now runs to
     * {@link Claim#leaseDeadline()}, the backend's time of the grant plus {@code lease}. Called right after the
     * matching {@link #onClaim}, so that a gauge of live claims can follow the leases from these events instead of
     * reading every key (and, counting {@code lease} on its own clock, needs no clock in step with the backend's).
     */
    default void onLease(Claim claim, Duration lease) {
    }
}
