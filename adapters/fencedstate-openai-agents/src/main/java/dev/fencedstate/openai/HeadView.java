package dev.fencedstate.openai;

import dev.fencedstate.Keys;
import dev.fencedstate.Snapshot;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A conversation head as read at one moment: the id of the latest response (what the next request sends as
 * {@code previous_response_id}), or none for a conversation that has not started. Immutable; only {@link FencedHead}
 * creates views.
 */
public final class HeadView {

    private final String conversationId;
    private final Snapshot snapshot;
    private final @Nullable String responseId;
    private final @Nullable String previousResponseId;

    HeadView(String conversationId, Snapshot snapshot, @Nullable String responseId,
            @Nullable String previousResponseId) {
        this.conversationId = conversationId;
        this.snapshot = snapshot;
        this.responseId = responseId;
        this.previousResponseId = previousResponseId;
    }

    public String conversationId() {
        return conversationId;
    }

    /** The storage key that holds the head. */
    public String key() {
        return snapshot.key();
    }

    /** The latest response id; empty if the conversation has no response yet. */
    public Optional<String> responseId() {
        return Optional.ofNullable(responseId);
    }

    /** The head before the last advance; empty for the first response or a new conversation. */
    public Optional<String> previousResponseId() {
        return Optional.ofNullable(previousResponseId);
    }

    /** The version of the head's key: 0 if never written, then one more per advance. */
    public long version() {
        return snapshot.version();
    }

    /** The ownership epoch of the head's key (see {@link FencedHead#claim}). */
    public long epoch() {
        return snapshot.epoch();
    }

    Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof HeadView that && conversationId.equals(that.conversationId)
                && snapshot.equals(that.snapshot);
    }

    @Override
    public int hashCode() {
        return snapshot.hashCode();
    }

    @Override
    public String toString() {
        return "HeadView[" + Keys.printable(conversationId) + ", "
                + (responseId == null ? "no response" : Keys.printable(responseId)) + ", version " + version() + "]";
    }
}
