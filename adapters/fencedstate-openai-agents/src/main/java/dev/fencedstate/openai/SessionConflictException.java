package dev.fencedstate.openai;

import dev.fencedstate.Keys;
import dev.fencedstate.VersionConflictException;
import org.jspecify.annotations.Nullable;

/**
 * A peer changed the session after the view this change was computed from (added or popped items, or cleared it).
 * Nothing was written: the peer's items are intact and this change's items were not added.
 *
 * <p>It is a core {@link VersionConflictException}, so code that catches and retries conflicts from any fencedstate
 * module (a retry loop, the Spring starter's exception mapping) handles it too: {@link #isRetryable()} is
 * {@code true}, {@link #expectedVersion()} is the version of {@link #expected()} and {@link #actualVersion()} the
 * version of {@link #current()}.
 *
 * <p>What to do: recompute from {@link #current()} (or a fresh read) and try again. For an agent turn that means
 * calling the model again on the fresh history; {@link AgentTurnRunner} does that.
 */
public final class SessionConflictException extends VersionConflictException {

    private static final long serialVersionUID = 2L;

    // Views hold SDK items, which are not serializable; the versions (in the superclass) and the message are.
    private final transient SessionView expected;
    private final transient SessionView current;

    SessionConflictException(SessionView expected, SessionView current, @Nullable Throwable cause) {
        super(expected.key(), expected.version(), current.version(), "Session '" + Keys.printable(expected.sessionId())
                + "' moved: the change was computed from " + expected.describe() + " but the session is at "
                + current.describe() + " (a peer added, popped or cleared items in between). Nothing was written: "
                + "the peer's items are intact and this change was not applied. Recompute the change from the current "
                + "session (conflict.current(), or a fresh read) and commit it against that; for an agent turn, call "
                + "the model again on the current history.", cause);
        this.expected = expected;
        this.current = current;
    }

    /** The view the failed change was computed from; its version is {@link #expectedVersion()}. */
    public SessionView expected() {
        return expected;
    }

    /**
     * The session as read right after the conflict, a base for the retry (a peer may move it again); its version is
     * {@link #actualVersion()}, never older than the version the change was checked against.
     */
    public SessionView current() {
        return current;
    }
}
