package dev.fencedstate.openai;

import dev.fencedstate.FencedStore;
import java.util.List;

/**
 * Agent sessions kept in a {@link FencedStore}, one key per session ({@code keyPrefix + sessionId}), on any
 * fencedstate backend. Thread-safe, like the store.
 *
 * <pre>{@code
 * FencedSessionStore sessions = FencedSessionStore.create(store);
 * FencedSession session = sessions.session("support-ticket-4711");
 * SessionView view = session.read();
 * ... call the model with view.items() ...
 * session.addItems(view, newItems);   // SessionConflictException if a peer changed the session meanwhile
 * }</pre>
 */
public final class FencedSessionStore {

    /** The key prefix of {@link #create(FencedStore)}. */
    public static final String DEFAULT_KEY_PREFIX = "openai-agents/sessions/";

    private final KeyPrefix keys;

    private FencedSessionStore(KeyPrefix keys) {
        this.keys = keys;
    }

    /** Sessions under {@value #DEFAULT_KEY_PREFIX}. */
    public static FencedSessionStore create(FencedStore store) {
        return create(store, DEFAULT_KEY_PREFIX);
    }

    /** Sessions under {@code keyPrefix} (may be empty; then the session id is the key). */
    public static FencedSessionStore create(FencedStore store, String keyPrefix) {
        return new FencedSessionStore(new KeyPrefix(store, keyPrefix));
    }

    /**
     * The session with this id; nothing is read or written yet.
     *
     * @throws IllegalArgumentException if the id is empty
     * @throws dev.fencedstate.InvalidKeyException if prefix + id is not a valid key (too long, control characters)
     */
    public FencedSession session(String sessionId) {
        return new FencedSession(keys.store(), sessionId, keys.keyFor(sessionId, "session id"));
    }

    /** The ids of every session with a stored key (cleared sessions included), sorted. */
    public List<String> sessionIds() {
        return keys.ids();
    }

    public FencedStore store() {
        return keys.store();
    }

    public String keyPrefix() {
        return keys.prefix();
    }
}
