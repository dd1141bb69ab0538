package dev.fencedstate.openai;

import com.openai.models.responses.ResponseInputItem;
import dev.fencedstate.Keys;
import dev.fencedstate.Snapshot;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A session as read at one moment: its items in chronological order and the version they were read at. Immutable.
 * Every change to a session names the view it was computed from and succeeds only if the session is still exactly
 * that view; a peer's change in between makes it a {@link SessionConflictException} that carries the fresh view.
 * Only {@link FencedSession} creates views.
 */
public final class SessionView {

    private final String sessionId;
    private final Snapshot snapshot;
    private final List<SessionItem> entries;
    private final long nextSequence;

    SessionView(String sessionId, Snapshot snapshot, List<SessionItem> entries, long nextSequence) {
        this.sessionId = sessionId;
        this.snapshot = snapshot;
        this.entries = List.copyOf(entries);
        this.nextSequence = nextSequence;
    }

    public String sessionId() {
        return sessionId;
    }

    /** The storage key that holds the session. */
    public String key() {
        return snapshot.key();
    }

    /** The version of the session's key: 0 if never written, then one more for every change. */
    public long version() {
        return snapshot.version();
    }

    /** The ownership epoch of the session's key (see {@link FencedSession#claim}). */
    public long epoch() {
        return snapshot.epoch();
    }

    /** All items, oldest first (the Agents SDK's {@code getItems()}). */
    public List<ResponseInputItem> items() {
        return entries.stream().map(SessionItem::item).toList();
    }

    /**
     * The latest {@code limit} items in chronological order (the Agents SDK's {@code getItems(limit)}); all of them if
     * there are fewer, none if {@code limit} is 0.
     *
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public List<ResponseInputItem> items(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        return entries.subList(Math.max(0, entries.size() - limit), entries.size()).stream()
                .map(SessionItem::item).toList();
    }

    /** All items with their sequence numbers, oldest first. */
    public List<SessionItem> entries() {
        return entries;
    }

    /** The newest item, the one {@code popItem} would remove. */
    public Optional<SessionItem> tail() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The sequence number the next added item gets. */
    public long nextSequence() {
        return nextSequence;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    /** "version 4, tail #7" or "version 0, empty": how conflict messages name a view. */
    String describe() {
        return "version " + version() + tail().map(t -> ", tail #" + t.sequence()).orElse(", empty");
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof SessionView that && sessionId.equals(that.sessionId)
                && snapshot.equals(that.snapshot);
    }

    @Override
    public int hashCode() {
        return snapshot.hashCode();
    }

    @Override
    public String toString() {
        return "SessionView[" + Keys.printable(sessionId) + ", " + describe() + ", " + entries.size() + " items]";
    }
}
