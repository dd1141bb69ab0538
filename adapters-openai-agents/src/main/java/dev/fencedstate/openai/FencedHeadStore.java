package dev.fencedstate.openai;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Keys;
import java.util.List;
import java.util.Objects;

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

    private final FencedStore store;
    private final String keyPrefix;

    private FencedHeadStore(FencedStore store, String keyPrefix) {
        this.store = store;
        this.keyPrefix = keyPrefix;
    }

    /** Heads under {@value #DEFAULT_KEY_PREFIX}. */
    public static FencedHeadStore create(FencedStore store) {
        return create(store, DEFAULT_KEY_PREFIX);
    }

    /** Heads under {@code keyPrefix} (may be empty; then the conversation id is the key). */
    public static FencedHeadStore create(FencedStore store, String keyPrefix) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        return new FencedHeadStore(store, keyPrefix);
    }

    /**
     * The head of the conversation with this id; nothing is read or written yet.
     *
     * @throws IllegalArgumentException if the id is empty
     * @throws dev.fencedstate.InvalidKeyException if prefix + id is not a valid key
     */
    public FencedHead head(String conversationId) {
        Objects.requireNonNull(conversationId, "conversationId");
        if (conversationId.isEmpty()) {
            throw new IllegalArgumentException("a conversation id must not be empty");
        }
        return new FencedHead(store, conversationId, Keys.requireValid(keyPrefix + conversationId));
    }

    /** The ids of every conversation with a stored head, sorted. */
    public List<String> conversationIds() {
        return store.keys().stream().filter(key -> key.startsWith(keyPrefix) && key.length() > keyPrefix.length())
                .map(key -> key.substring(keyPrefix.length())).sorted().toList();
    }

    public FencedStore store() {
        return store;
    }

    public String keyPrefix() {
        return keyPrefix;
    }
}
