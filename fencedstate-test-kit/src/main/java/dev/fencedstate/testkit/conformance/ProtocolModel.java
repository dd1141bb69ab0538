package dev.fencedstate.testkit.conformance;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The reference model: the abstract state of one key in {@code specs/FencedState.tla} and, for each action of the
 * spec, the outcome the spec allows from a given state. Written from the spec, not from {@code FencedStore}: the
 * conformance driver compares the two.
 *
 * <p>Every decision is made on the state the operation saw at its last read, at the backend time of that read,
 * exactly as the spec's read-and-check step does; the spec's compare-and-set then either writes the decided record
 * or sends the operation back to read again, so the last read is the one that counts.
 */
final class ProtocolModel {

    private ProtocolModel() {
    }

    /** A key in the spec: version, epoch, the claim (holder, deadline), and the value ({@code null}: none). */
    record KeyState(long version, long epoch, @Nullable String holder, @Nullable Instant deadline,
            @Nullable String value) {

        static final KeyState ABSENT = new KeyState(0, 0, null, null, null);

        /** {@code Live(r, t)}: a holder whose lease has not yet ended. */
        boolean liveAt(Instant now) {
            return holder != null && deadline != null && now.isBefore(deadline);
        }

        KeyState committed(@Nullable String newValue) {
            return new KeyState(version + 1, epoch, holder, deadline, newValue);
        }

        KeyState granted(String writer, Instant newDeadline) {
            return new KeyState(version, epoch + 1, writer, newDeadline, value);
        }

        KeyState renewed(Instant newDeadline) {
            return new KeyState(version, epoch, holder, newDeadline, value);
        }

        /** {@code EndGrant}: no holder, and epoch + 1 so the old holder is fenced. */
        KeyState ended() {
            return new KeyState(version, epoch + 1, null, null, value);
        }

        @Override
        public String toString() {
            return "[version " + version + ", epoch " + epoch
                    + (holder == null ? ", unclaimed" : ", held by " + holder + " until " + deadline)
                    + ", value " + (value == null ? "absent" : "'" + value + "'") + "]";
        }
    }

    /** The kinds of outcome, as counted in {@link ConformanceReport}. */
    enum Kind {
        READ, COMMITTED, CONFLICT, FENCED, CLAIM_HELD, GRANTED, RECLAIMED, RENEWED, RELEASED, NOT_RELEASED,
        REVOKED, NOTHING_TO_REVOKE
    }

    /** What the spec allows an operation to do from a state: one outcome, and the key's next state. */
    record Outcome(Kind kind, KeyState next, long expected, long actual, @Nullable String holder,
            @Nullable Instant deadline) {

        static Outcome written(Kind kind, KeyState next) {
            return new Outcome(kind, next, 0, 0, null, null);
        }

        static Outcome refused(Kind kind, KeyState unchanged) {
            return new Outcome(kind, unchanged, 0, 0, null, null);
        }

        /** {@code VersionConflictException(expected, actual)}; nothing changes. */
        static Outcome conflict(KeyState unchanged, long expectedVersion) {
            return new Outcome(Kind.CONFLICT, unchanged, expectedVersion, unchanged.version(), null, null);
        }

        /** {@code FencedWriteException(claimEpoch, currentEpoch)}; nothing changes. */
        static Outcome fenced(KeyState unchanged, long claimEpoch) {
            return new Outcome(Kind.FENCED, unchanged, claimEpoch, unchanged.epoch(), null, null);
        }

        /** {@code ClaimHeldException(holder, deadline)}; nothing changes. */
        static Outcome held(KeyState unchanged) {
            return new Outcome(Kind.CLAIM_HELD, unchanged, 0, 0, unchanged.holder(), unchanged.deadline());
        }

        @Override
        public String toString() {
            return switch (kind) {
                case CONFLICT -> "CONFLICT(expected version " + expected + ", actual " + actual + ")";
                case FENCED -> "FENCED(claim epoch " + expected + ", key epoch " + actual + ")";
                case CLAIM_HELD -> "CLAIM_HELD(by " + holder + " until " + deadline + ")";
                default -> kind + " -> " + next;
            };
        }
    }

    /**
     * {@code commit}/{@code delete} ({@code value == null}), optimistic ({@code claimEpoch == null}) or under a claim.
     * Under a claim: epoch first (fenced), then version. Optimistic: a live claim first (held), then version.
     */
    static Outcome commit(KeyState s, long baseVersion, @Nullable Long claimEpoch, @Nullable String value,
            Instant now) {
        if (claimEpoch != null) {
            if (s.epoch() != claimEpoch) {
                return Outcome.fenced(s, claimEpoch);
            }
        } else if (s.liveAt(now)) {
            return Outcome.held(s);
        }
        if (s.version() != baseVersion) {
            return Outcome.conflict(s, baseVersion);
        }
        return Outcome.written(Kind.COMMITTED, s.committed(value));
    }

    /**
     * {@code update}: a read followed by a commit from it, repeated on conflicts; from the last read the commit's
     * base is current, so only a live claim (optimistic) or a moved epoch (under a claim) can stop it.
     */
    static Outcome update(KeyState s, @Nullable Long claimEpoch, String value, Instant now) {
        return commit(s, s.version(), claimEpoch, value, now);
    }

    /** {@code claim}: refused while a lease is live; else epoch + 1, a reclamation if a holder is replaced. */
    static Outcome claim(KeyState s, String writer, Duration lease, Instant now) {
        if (s.liveAt(now)) {
            return Outcome.held(s);
        }
        return Outcome.written(s.holder() != null ? Kind.RECLAIMED : Kind.GRANTED, s.granted(writer, now.plus(lease)));
    }

    /** {@code renew}: only while the claim is still the key's grant (same epoch), even if its lease expired. */
    static Outcome renew(KeyState s, long claimEpoch, Duration lease, Instant now) {
        if (s.epoch() != claimEpoch) {
            return Outcome.fenced(s, claimEpoch);
        }
        return Outcome.written(Kind.RENEWED, s.renewed(now.plus(lease)));
    }

    /** {@code release}: ends the grant if it is still the claim's; else returns false and changes nothing. */
    static Outcome release(KeyState s, long claimEpoch) {
        return s.epoch() == claimEpoch ? Outcome.written(Kind.RELEASED, s.ended())
                : Outcome.refused(Kind.NOT_RELEASED, s);
    }

    /** {@code revoke}: ends any claim, live or expired; false if the key has none. */
    static Outcome revoke(KeyState s) {
        return s.holder() != null ? Outcome.written(Kind.REVOKED, s.ended())
                : Outcome.refused(Kind.NOTHING_TO_REVOKE, s);
    }
}
