package dev.fencedstate.openai;

import dev.fencedstate.FencedStateException;
import dev.fencedstate.Keys;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A peer changed the session after the view this change was computed from (added or popped items, or cleared it).
 * Nothing was written: the peer's items are intact and this change's items were not added.
 *
 * <p>What to do: recompute from {@link #current()} (or a fresh read) and try again. For an agent turn that means
 * calling the model again on the fresh history; {@link AgentTurnRunner} does that.
 */
public final class SessionConflictException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final transient SessionView expected;
    private final transient SessionView current;

    SessionConflictException(SessionView expected, SessionView current, @Nullable Throwable cause) {
        super(expected.key(), "Session '" + Keys.printable(expected.sessionId()) + "' moved: the change was computed "
                + "from " + expected.describe() + " but the session is at " + current.describe()
                + ". Nothing was written. Recompute from the current session and try again.", cause);
        this.expected = expected;
        this.current = current;
    }

    /** The view the failed change was computed from. */
    public SessionView expected() {
        return expected;
    }

    /** The session as read right after the conflict; a base for the retry (a peer may move it again). */
    public SessionView current() {
        return current;
    }

    @Override
    public String key() {
        return Objects.requireNonNull(super.key());
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
