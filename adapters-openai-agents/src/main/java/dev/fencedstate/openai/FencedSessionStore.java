package dev.fencedstate.openai;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Keys;
import java.util.List;
import java.util.Objects;

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

    private final FencedStore store;
    private final String keyPrefix;

    private FencedSessionStore(FencedStore store, String keyPrefix) {
        this.store = store;
        this.keyPrefix = keyPrefix;
    }

    /** Sessions under {@value #DEFAULT_KEY_PREFIX}. */
    public static FencedSessionStore create(FencedStore store) {
        return create(store, DEFAULT_KEY_PREFIX);
    }

    /** Sessions under {@code keyPrefix} (may be empty; then the session id is the key). */
    public static FencedSessionStore create(FencedStore store, String keyPrefix) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        return new FencedSessionStore(store, keyPrefix);
    }

    /**
     * The session with this id; nothing is read or written yet.
     *
     * @throws IllegalArgumentException if the id is empty
     * @throws dev.fencedstate.InvalidKeyException if prefix + id is not a valid key (too long, control characters)
     */
    public FencedSession session(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        if (sessionId.isEmpty()) {
            throw new IllegalArgumentException("a session id must not be empty");
        }
        return new FencedSession(store, sessionId, Keys.requireValid(keyPrefix + sessionId));
    }

    /** The ids of every session with a stored key (cleared sessions included), sorted. */
    public List<String> sessionIds() {
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
