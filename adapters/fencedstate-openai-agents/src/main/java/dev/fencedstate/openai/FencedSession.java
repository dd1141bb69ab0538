package dev.fencedstate.openai;

import com.openai.models.responses.ResponseInputItem;
import dev.fencedstate.Claim;
import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.Keys;
import dev.fencedstate.Snapshot;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.openai.StoredFormats.SessionDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One agent session: the list of input items replayed to the model each turn, with the OpenAI Agents SDK's
 * {@code Session} operations and their meaning ({@code getItems(limit)} returns the latest N in chronological order,
 * {@code addItems} appends, {@code popItem} removes and returns the newest, {@code clearSession} empties it).
 *
 * <h2>What is different: every change states what it was computed from</h2>
 * The Agents SDK's stores append and pop without any check, so two workers that read the same history lose or
 * interleave items, and a retry's pop can remove a peer's item. Here {@link #addItems}, {@link #popItem} and
 * {@link #clearSession} take the {@link SessionView} they were computed from and apply only if the session is still
 * at that view's version; otherwise they write nothing and throw {@link SessionConflictException} with the current
 * view. A change that turns out to be a no-op (adding no items, popping or clearing an empty session) writes nothing
 * but is still checked as a commit would be ({@link FencedStore#verify}): against the view, against the claim under a
 * claim, and against another worker's live claim without one, so a stale no-op fails too.
 *
 * <h2>Claims: one worker at a time, and zombies fenced</h2>
 * A worker may {@link #claim} the session for a lease and make its changes under the claim. While the lease is live,
 * changes made without the claim are refused ({@link ClaimHeldException}). If the worker stalls past its lease and a
 * peer reclaims the session, or recovery {@link #revoke}s it, every later change under the old claim fails with
 * {@link FencedWriteException}, even if nobody else wrote in between.
 *
 * <p>Thread-safe; a handle is cheap and holds no state besides the names.
 */
public final class FencedSession {

    private final FencedStore store;
    private final String sessionId;
    private final String key;

    FencedSession(FencedStore store, String sessionId, String key) {
        this.store = store;
        this.sessionId = sessionId;
        this.key = key;
    }

    public String sessionId() {
        return sessionId;
    }

    /** The storage key that holds the session. */
    public String key() {
        return key;
    }

    // ---------------------------------------------------------------- reads

    /** Reads the session: its items and the version a change computed from them must name. */
    public SessionView read() {
        return viewOf(store.read(key));
    }

    /** All items, oldest first: the Agents SDK's {@code getItems()}. */
    public List<ResponseInputItem> getItems() {
        return read().items();
    }

    /** The latest {@code limit} items, oldest first: the Agents SDK's {@code getItems(limit)}. */
    public List<ResponseInputItem> getItems(int limit) {
        return read().items(limit);
    }

    // ---------------------------------------------------------------- optimistic changes

    /**
     * Appends {@code items} (in order) if the session is still at {@code base}: the Agents SDK's {@code addItems}.
     *
     * @return the session after the append
     * @throws SessionConflictException if a peer changed the session since {@code base} (nothing was added)
     * @throws ClaimHeldException       if another worker holds a live claim on the session
     */
    public SessionView addItems(SessionView base, List<ResponseInputItem> items) {
        return add(null, base, items);
    }

    /**
     * Removes and returns the newest item if the session is still at {@code base}: the Agents SDK's {@code popItem}.
     * The item removed is {@code base.tail()}, never an item a peer added after {@code base} was read.
     *
     * @throws SessionConflictException if a peer changed the session since {@code base} (nothing was removed)
     * @throws ClaimHeldException       if another worker holds a live claim on the session
     */
    public PopResult popItem(SessionView base) {
        return pop(null, base);
    }

    /**
     * Removes every item if the session is still at {@code base}: the Agents SDK's {@code clearSession}. Sequence
     * numbers are not reused afterwards.
     *
     * @throws SessionConflictException if a peer changed the session since {@code base} (nothing was removed)
     * @throws ClaimHeldException       if another worker holds a live claim on the session
     */
    public SessionView clearSession(SessionView base) {
        return clear(null, base);
    }

    // ---------------------------------------------------------------- claims

    /** Claims the session with the store's default lease. See {@link #claim(Duration)}. */
    public Claim claim() {
        return store.claim(key);
    }

    /**
     * Claims the session for {@code lease}: from now on only changes made under this claim are accepted, until it is
     * released, or it expires and a peer reclaims it, or recovery revokes it. Taking over an expired claim fences
     * its holder.
     *
     * @throws ClaimHeldException if another worker holds a live claim
     */
    public Claim claim(Duration lease) {
        return store.claim(key, lease);
    }

    /** Extends a claim that is still current. @throws FencedWriteException if it was reclaimed or revoked */
    public Claim renew(Claim claim, Duration lease) {
        return store.renew(requireOwn(claim), lease);
    }

    /** Ends a claim; {@code false} if it had already ended. */
    public boolean release(Claim claim) {
        return store.release(requireOwn(claim));
    }

    /**
     * Recovery: ends the session's claim by force, so a stalled holder that wakes up is fenced.
     *
     * @return {@code false} if the session had no claim
     */
    public boolean revoke() {
        return store.revoke(key);
    }

    /** {@link #addItems(SessionView, List)} under {@code claim}. @throws FencedWriteException if the claim ended */
    public SessionView addItems(Claim claim, SessionView base, List<ResponseInputItem> items) {
        return add(requireOwn(claim), base, items);
    }

    /** {@link #popItem(SessionView)} under {@code claim}. @throws FencedWriteException if the claim ended */
    public PopResult popItem(Claim claim, SessionView base) {
        return pop(requireOwn(claim), base);
    }

    /** {@link #clearSession(SessionView)} under {@code claim}. @throws FencedWriteException if the claim ended */
    public SessionView clearSession(Claim claim, SessionView base) {
        return clear(requireOwn(claim), base);
    }

    @Override
    public String toString() {
        return "FencedSession[" + Keys.printable(sessionId) + " at key " + Keys.printable(key) + "]";
    }

    // ---------------------------------------------------------------- the change path

    private SessionView add(@Nullable Claim claim, SessionView base, List<ResponseInputItem> items) {
        requireOwn(base);
        Objects.requireNonNull(items, "items");
        if (items.isEmpty()) {
            return unchanged(claim, base);
        }
        List<SessionItem> entries = new ArrayList<>(base.entries());
        long sequence = base.nextSequence();
        for (ResponseInputItem item : items) {
            entries.add(new SessionItem(sequence++, Objects.requireNonNull(item, "items must not contain null")));
        }
        return change(claim, base, new SessionDocument(entries, sequence));
    }

    private PopResult pop(@Nullable Claim claim, SessionView base) {
        requireOwn(base);
        SessionItem tail = base.tail().orElse(null);
        if (tail == null) {
            return new PopResult(null, unchanged(claim, base));
        }
        List<SessionItem> rest = base.entries().subList(0, base.size() - 1);
        return new PopResult(tail, change(claim, base, new SessionDocument(rest, base.nextSequence())));
    }

    private SessionView clear(@Nullable Claim claim, SessionView base) {
        requireOwn(base);
        if (base.isEmpty()) {
            return unchanged(claim, base);
        }
        // An empty document rather than a delete: it keeps next_sequence, so no sequence number is ever reused.
        return change(claim, base, new SessionDocument(List.of(), base.nextSequence()));
    }

    private SessionView change(@Nullable Claim claim, SessionView base, SessionDocument next) {
        byte[] value = StoredFormats.encodeSession(sessionId, next);
        Snapshot after;
        try {
            after = claim == null ? store.commit(base.snapshot(), value) : store.commit(claim, base.snapshot(), value);
        } catch (VersionConflictException conflict) {
            throw conflictAfter(base, conflict);
        }
        return new SessionView(sessionId, after, next.entries(), next.nextSequence());
    }

    /**
     * Checks, without writing, that a change computed from {@code base} (under {@code claim}, if not null) could still
     * be committed: for the agent runner, before it spends a model call.
     *
     * @throws FencedWriteException     if the claim ended (checked first, as a commit would)
     * @throws SessionConflictException if a peer changed the session since {@code base}
     * @throws ClaimHeldException       if, without a claim, another worker holds a live one
     */
    SessionView verify(@Nullable Claim claim, SessionView base) {
        requireOwn(base);
        Snapshot now;
        try {
            now = claim == null ? store.verify(base.snapshot()) : store.verify(requireOwn(claim), base.snapshot());
        } catch (VersionConflictException conflict) {
            throw conflictAfter(base, conflict);
        }
        return new SessionView(sessionId, now, base.entries(), base.nextSequence());
    }

    /** A change with nothing to write is still only valid on the current session: a commit's checks, no write. */
    private SessionView unchanged(@Nullable Claim claim, SessionView base) {
        return verify(claim, base);
    }

    private SessionConflictException conflictAfter(SessionView base, VersionConflictException conflict) {
        SessionView current;
        try {
            current = read();
        } catch (FencedStateException readFailure) {
            readFailure.addSuppressed(conflict);
            throw readFailure;
        }
        return new SessionConflictException(base, current, conflict);
    }

    private SessionView viewOf(Snapshot snapshot) {
        SessionDocument document = StoredFormats.decodeSession(sessionId, snapshot);
        return new SessionView(sessionId, snapshot, document.entries(), document.nextSequence());
    }

    private SessionView requireOwn(SessionView base) {
        Objects.requireNonNull(base, "base");
        if (!base.key().equals(key)) {
            throw new IllegalArgumentException("the view is of session '" + Keys.printable(base.sessionId())
                    + "' (key '" + Keys.printable(base.key()) + "'), not of " + this);
        }
        return base;
    }

    private Claim requireOwn(Claim claim) {
        return KeyPrefix.requireClaimOn(key, claim, this);
    }
}
