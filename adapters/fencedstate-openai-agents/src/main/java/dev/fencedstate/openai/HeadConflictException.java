package dev.fencedstate.openai;

import dev.fencedstate.Keys;
import dev.fencedstate.VersionConflictException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The conversation head is no longer the response this advance started from: a peer advanced it first. Nothing was
 * written; the head still names the peer's response, so no branch disappeared from the pointer.
 *
 * <p>It is a core {@link VersionConflictException}, so code that catches and retries conflicts from any fencedstate
 * module handles it too: {@link #isRetryable()} is {@code true} and {@link #actualVersion()} is the version of
 * {@link #current()}. {@link #expectedVersion()} is the version of the view the advance was based on; for
 * {@link FencedHead#advanceFrom}, which names a response id rather than a view, it is the version at which the head
 * was at that id as far as the current head tells (0 for a new conversation; the current version minus one if the id
 * is the current head's predecessor), and otherwise the version the id was checked against, equal to
 * {@link #actualVersion()} (the id is older than that, or never was the head).
 *
 * <p>What to do: continue from {@link #current()}. The response this worker created was chained to the old head
 * ({@code previous_response_id}) and cannot be moved onto the new one, so an agent turn calls the model again with
 * the new head; {@link AgentTurnRunner} does that.
 */
public final class HeadConflictException extends VersionConflictException {

    private static final long serialVersionUID = 2L;

    private final @Nullable String expectedResponseId;
    private final @Nullable String attemptedResponseId;
    // A view is not serializable; the ids, the versions (in the superclass) and the message are.
    private final transient HeadView current;

    HeadConflictException(@Nullable String expectedResponseId, long expectedVersion,
            @Nullable String attemptedResponseId, HeadView current, @Nullable Throwable cause) {
        super(current.key(), expectedVersion, current.version(), "Conversation '"
                + Keys.printable(current.conversationId()) + "' moved: "
                + (attemptedResponseId == null ? "a turn" : "advancing to '" + Keys.printable(attemptedResponseId) + "'")
                + " expected the head at " + name(expectedResponseId)
                + ", version " + expectedVersion + ", but it is at " + name(current.responseId().orElse(null))
                + ", version " + current.version() + "; a peer advanced it first. Nothing was written. Continue from "
                + "the current head (conflict.current(), or a fresh read): for an agent turn, call the model again "
                + "with previous_response_id set to the current head.", cause);
        this.expectedResponseId = expectedResponseId;
        this.attemptedResponseId = attemptedResponseId;
        this.current = current;
    }

    /** The response id the failed advance expected at the head; empty if it expected a new conversation. */
    public Optional<String> expectedResponseId() {
        return Optional.ofNullable(expectedResponseId);
    }

    /**
     * The response id the failed advance tried to make the head; {@code null} if the conflict was found before a
     * response existed (the runner checks the head before it calls the model).
     */
    public @Nullable String attemptedResponseId() {
        return attemptedResponseId;
    }

    /** The head as read right after the conflict; its version is {@link #actualVersion()}. */
    public HeadView current() {
        return current;
    }

    private static String name(@Nullable String responseId) {
        return responseId == null ? "no response (a new conversation)" : "'" + Keys.printable(responseId) + "'";
    }
}
