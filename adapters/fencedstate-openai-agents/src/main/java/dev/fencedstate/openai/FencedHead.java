package dev.fencedstate.openai;

import dev.fencedstate.Claim;
import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.Keys;
import dev.fencedstate.Snapshot;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.openai.StoredFormats.HeadDocument;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The head of one conversation chained with {@code previous_response_id}: the id of its latest response.
 *
 * <p>Two workers that both continue from head A create two responses, B and C, each chained to A. A plain pointer
 * keeps whichever is written last, and the other branch silently disappears. Here {@link #advance} moves the head
 * from A to B only if it is still A; the second worker gets {@link HeadConflictException} naming the current head, so
 * it can continue from there. Under a {@link #claim claim}, a worker whose claim was reclaimed or revoked is fenced
 * ({@link FencedWriteException}).
 *
 * <p>Thread-safe; a handle is cheap and holds no state besides the names.
 */
public final class FencedHead {

    private final FencedStore store;
    private final String conversationId;
    private final String key;

    FencedHead(FencedStore store, String conversationId, String key) {
        this.store = store;
        this.conversationId = conversationId;
        this.key = key;
    }

    public String conversationId() {
        return conversationId;
    }

    /** The storage key that holds the head. */
    public String key() {
        return key;
    }

    /** Reads the head. */
    public HeadView read() {
        Snapshot snapshot = store.read(key);
        HeadDocument document = StoredFormats.decodeHead(conversationId, snapshot);
        return document == null ? new HeadView(conversationId, snapshot, null, null)
                : new HeadView(conversationId, snapshot, document.responseId(), document.previousResponseId());
    }

    /**
     * Makes {@code newResponseId} the head if the head is still {@code base}.
     *
     * @return the head after the advance
     * @throws HeadConflictException if a peer advanced the head since {@code base} (nothing was written)
     * @throws ClaimHeldException    if another worker holds a live claim on the conversation
     */
    public HeadView advance(HeadView base, String newResponseId) {
        return advanceUnder(null, base, newResponseId);
    }

    /**
     * Makes {@code newResponseId} the head if the head is still {@code expectedResponseId} ({@code null}: the
     * conversation has no response yet).
     *
     * @throws HeadConflictException if the head is elsewhere (nothing was written)
     */
    public HeadView advanceFrom(@Nullable String expectedResponseId, String newResponseId) {
        requireId(newResponseId);
        HeadView base = read();
        if (!Objects.equals(base.responseId().orElse(null), expectedResponseId)) {
            throw new HeadConflictException(expectedResponseId, versionAt(expectedResponseId, base), newResponseId,
                    base, null);
        }
        return advanceUnder(null, base, newResponseId);
    }

    /**
     * The version at which the head named {@code responseId}, as far as {@code current} (which does not name it)
     * tells: its predecessor was at the version before; a new conversation is at version 0. Anything older is not
     * recorded, so the version the id was checked against stands in (see {@link HeadConflictException}).
     */
    private static long versionAt(@Nullable String responseId, HeadView current) {
        if (current.responseId().isPresent()
                && Objects.equals(current.previousResponseId().orElse(null), responseId)) {
            return current.version() - 1;
        }
        return responseId == null ? Snapshot.INITIAL_VERSION : current.version();
    }

    /** {@link #advance(HeadView, String)} under {@code claim}. @throws FencedWriteException if the claim ended */
    public HeadView advance(Claim claim, HeadView base, String newResponseId) {
        return advanceUnder(requireOwn(claim), base, newResponseId);
    }

    // ---------------------------------------------------------------- claims

    /** Claims the conversation with the store's default lease. */
    public Claim claim() {
        return store.claim(key);
    }

    /** Claims the conversation for {@code lease}; see {@link FencedSession#claim(Duration)}. */
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

    /** Recovery: ends the conversation's claim by force, so a stalled holder is fenced. */
    public boolean revoke() {
        return store.revoke(key);
    }

    @Override
    public String toString() {
        return "FencedHead[" + Keys.printable(conversationId) + " at key " + Keys.printable(key) + "]";
    }

    private HeadView advanceUnder(@Nullable Claim claim, HeadView base, String newResponseId) {
        requireOwn(base);
        requireId(newResponseId);
        String from = base.responseId().orElse(null);
        if (newResponseId.equals(from)) {
            throw new IllegalArgumentException("the head is already at '" + Keys.printable(newResponseId)
                    + "'; a response id can be advanced to only once");
        }
        HeadDocument next = new HeadDocument(newResponseId, from);
        byte[] value = StoredFormats.encodeHead(conversationId, next);
        Snapshot after;
        try {
            after = claim == null ? store.commit(base.snapshot(), value) : store.commit(claim, base.snapshot(), value);
        } catch (VersionConflictException conflict) {
            throw conflictAfter(base, newResponseId, conflict);
        }
        return new HeadView(conversationId, after, newResponseId, from);
    }

    /**
     * Checks, without writing, that an advance computed from {@code base} (under {@code claim}, if not null) could
     * still be committed: for the agent runner, before it spends a model call.
     *
     * @throws FencedWriteException  if the claim ended (checked first, as a commit would)
     * @throws HeadConflictException if a peer advanced the head since {@code base}
     */
    HeadView verify(@Nullable Claim claim, HeadView base) {
        requireOwn(base);
        try {
            if (claim == null) {
                store.verify(base.snapshot());
            } else {
                store.verify(requireOwn(claim), base.snapshot());
            }
        } catch (VersionConflictException conflict) {
            throw conflictAfter(base, null, conflict);
        }
        return base;
    }

    private HeadConflictException conflictAfter(HeadView base, @Nullable String newResponseId,
            VersionConflictException conflict) {
        HeadView current;
        try {
            current = read();
        } catch (FencedStateException readFailure) {
            readFailure.addSuppressed(conflict);
            throw readFailure;
        }
        return new HeadConflictException(base.responseId().orElse(null), base.version(), newResponseId, current,
                conflict);
    }

    private static String requireId(String responseId) {
        Objects.requireNonNull(responseId, "newResponseId");
        if (responseId.isEmpty()) {
            throw new IllegalArgumentException("a response id must not be empty");
        }
        return responseId;
    }

    private HeadView requireOwn(HeadView base) {
        Objects.requireNonNull(base, "base");
        if (!base.key().equals(key)) {
            throw new IllegalArgumentException("the view is of conversation '" + Keys.printable(base.conversationId())
                    + "', not of " + this);
        }
        return base;
    }

    private Claim requireOwn(Claim claim) {
        return KeyPrefix.requireClaimOn(key, claim, this);
    }
}
