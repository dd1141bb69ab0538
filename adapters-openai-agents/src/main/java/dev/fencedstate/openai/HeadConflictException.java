package dev.fencedstate.openai;

import dev.fencedstate.FencedStateException;
import dev.fencedstate.Keys;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The conversation head is no longer the response this advance started from: a peer advanced it first. Nothing was
 * written; the head still names the peer's response, so no branch disappeared from the pointer.
 *
 * <p>What to do: continue from {@link #current()}. The response this worker created was chained to the old head
 * ({@code previous_response_id}) and cannot be moved onto the new one, so an agent turn calls the model again with
 * the new head; {@link AgentTurnRunner} does that.
 */
public final class HeadConflictException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final @Nullable String expectedResponseId;
    private final String attemptedResponseId;
    private final transient HeadView current;

    HeadConflictException(@Nullable String expectedResponseId, String attemptedResponseId, HeadView current,
            @Nullable Throwable cause) {
        super(current.key(), "Conversation '" + Keys.printable(current.conversationId()) + "' moved: advancing to '"
                + Keys.printable(attemptedResponseId) + "' expected the head at " + name(expectedResponseId)
                + " but it is at " + name(current.responseId().orElse(null)) + " (version " + current.version()
                + "). Nothing was written. Continue from the current head.", cause);
        this.expectedResponseId = expectedResponseId;
        this.attemptedResponseId = attemptedResponseId;
        this.current = current;
    }

    /** The response id the failed advance expected at the head; empty if it expected a new conversation. */
    public Optional<String> expectedResponseId() {
        return Optional.ofNullable(expectedResponseId);
    }

    /** The response id the failed advance tried to make the head. */
    public String attemptedResponseId() {
        return attemptedResponseId;
    }

    /** The head as read right after the conflict. */
    public HeadView current() {
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

    private static String name(@Nullable String responseId) {
        return responseId == null ? "no response (a new conversation)" : "'" + Keys.printable(responseId) + "'";
    }
}
