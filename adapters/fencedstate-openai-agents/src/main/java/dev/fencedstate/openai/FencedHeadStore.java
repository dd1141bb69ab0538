package dev.fencedstate.openai;

import dev.fencedstate.FencedStore;
import java.util.List;

/**
 * Conversation heads kept in a {@link FencedStore}, one key per conversation ({@code keyPrefix + conversationId}), on
 * any fencedstate backend. Thread-safe, like the store.
 *
 * <pre>{@code
 * FencedHead head = FencedHeadStore.create(store).head("ticket-4711");
 * HeadView view = head.read();
 * Response response = client.responses().create(params with previousResponseId(view.responseId()));
 * head.advance(view, response.id());   // HeadConflictException if a peer advanced the head meanwhile
 * }</pre>
 */
public final class FencedHeadStore {

    /** The key prefix of {@link #create(FencedStore)}. */
    public static final String DEFAULT_KEY_PREFIX = "openai-agents/heads/";

    private final KeyPrefix keys;

    private FencedHeadStore(KeyPrefix keys) {
        this.keys = keys;
    }

    /** Heads under {@value #DEFAULT_KEY_PREFIX}. */
    public static FencedHeadStore create(FencedStore store) {
        return create(store, DEFAULT_KEY_PREFIX);
    }

    /** Heads under {@code keyPrefix} (may be empty; then the conversation id is the key). */
    public static FencedHeadStore create(FencedStore store, String keyPrefix) {
        return new FencedHeadStore(new KeyPrefix(store, keyPrefix));
    }

    /**
     * The head of the conversation with this id; nothing is read or written yet.
     *
     * @throws IllegalArgumentException if the id is empty
     * @throws dev.fencedstate.InvalidKeyException if prefix + id is not a valid key
     */
    public FencedHead head(String conversationId) {
        return new FencedHead(keys.store(), conversationId, keys.keyFor(conversationId, "conversation id"));
    }

    /** The ids of every conversation with a stored head, sorted. */
    public List<String> conversationIds() {
        return keys.ids();
    }

    public FencedStore store() {
        return keys.store();
    }

    public String keyPrefix() {
        return keys.prefix();
    }
}
