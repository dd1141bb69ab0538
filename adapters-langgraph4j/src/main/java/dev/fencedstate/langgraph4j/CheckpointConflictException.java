package dev.fencedstate.langgraph4j;

import dev.fencedstate.FencedStateException;
import dev.fencedstate.Keys;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A checkpoint was put on a thread whose head moved since the writer last saw it: another run or
 * {@code updateState} call wrote to the thread in between. Nothing was written.
 *
 * <p>A checkpoint holds the whole state a step computed from the head it started on; writing it on top of a newer
 * head would silently drop what the newer checkpoints added (the lost update this saver exists to stop), so it is
 * refused rather than rebased. What to do: read the thread again (start a new {@link FencedRun}, or repeat the
 * {@code updateState} call with the same run) and redo the step from the fresh head. Retryable.
 */
public final class CheckpointConflictException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final String threadId;
    private final @Nullable String expectedHead;
    private final long expectedVersion;
    private final @Nullable String actualHead;
    private final long actualVersion;

    /**
     * @param threadId        the LangGraph4j thread id
     * @param key             the store key the thread is kept under
     * @param expectedHead    the head checkpoint id the writer last saw, {@code null} if it saw an empty thread
     * @param expectedVersion the store version of the thread the writer last saw
     * @param actualHead      the thread's head checkpoint id when the put was checked, {@code null} if empty
     * @param actualVersion   the thread's store version when the put was checked
     * @param cause           the store's version conflict, if that is how the move was detected
     */
    public CheckpointConflictException(String threadId, String key, @Nullable String expectedHead,
            long expectedVersion, @Nullable String actualHead, long actualVersion, @Nullable Throwable cause) {
        super(key, "Checkpoint conflict on thread '" + Keys.printable(threadId) + "': the writer last saw head "
                + describe(expectedHead) + " (version " + expectedVersion + ") but the thread is at head "
                + describe(actualHead) + " (version " + actualVersion + "); another run wrote to the thread in "
                + "between. Nothing was written. Read the thread again and redo the step from the fresh head.",
                cause);
        this.threadId = Objects.requireNonNull(threadId, "threadId");
        this.expectedHead = expectedHead;
        this.expectedVersion = expectedVersion;
        this.actualHead = actualHead;
        this.actualVersion = actualVersion;
    }

    /** The LangGraph4j thread id. */
    public String threadId() {
        return threadId;
    }

    /** The head checkpoint id the writer last saw; empty if it saw an empty thread. */
    public Optional<String> expectedHead() {
        return Optional.ofNullable(expectedHead);
    }

    /** The store version of the thread the writer last saw. */
    public long expectedVersion() {
        return expectedVersion;
    }

    /** The thread's head checkpoint id when the put was checked; empty if the thread was empty (released). */
    public Optional<String> actualHead() {
        return Optional.ofNullable(actualHead);
    }

    /** The thread's store version when the put was checked. */
    public long actualVersion() {
        return actualVersion;
    }

    @Override
    public String key() {
        return Objects.requireNonNull(super.key());
    }

    @Override
    public boolean isRetryable() {
        return true;
    }

    private static String describe(@Nullable String head) {
        return head == null ? "<empty thread>" : Keys.printable(head);
    }
}
