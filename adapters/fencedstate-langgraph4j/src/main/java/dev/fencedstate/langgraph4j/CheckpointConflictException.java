package dev.fencedstate.langgraph4j;

import dev.fencedstate.Keys;
import dev.fencedstate.VersionConflictException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A checkpoint was put on a thread whose head moved since the writer last saw it: another run or
 * {@code updateState} call wrote to the thread in between. Nothing was written.
 *
 * <p>A checkpoint holds the whole state a step computed from the head it started on; writing it on top of a newer
 * head would silently drop what the newer checkpoints added (the lost update this saver exists to stop), so it is
 * refused rather than rebased. What to do: read the thread again and redo the step from the fresh head (run the graph
 * or repeat the {@code updateState} call again; with a {@link FencedRun}, start a new run). Retryable.
 *
 * <p>It is a {@link VersionConflictException}, so code that retries every fencedstate conflict catches it as one
 * type; {@link #expectedVersion()} and {@link #actualVersion()} are the thread's store versions, and
 * {@link #expectedHead()} and {@link #actualHead()} the checkpoint ids they had at their head.
 */
public final class CheckpointConflictException extends VersionConflictException {

    private static final long serialVersionUID = 2L;

    private final String threadId;
    private final @Nullable String expectedHead;
    private final @Nullable String actualHead;

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
        super(key, expectedVersion, actualVersion, message(threadId, expectedHead, expectedVersion, actualHead,
                actualVersion), cause);
        this.threadId = threadId;
        this.expectedHead = expectedHead;
        this.actualHead = actualHead;
    }

    private static String message(String threadId, @Nullable String expectedHead, long expectedVersion,
            @Nullable String actualHead, long actualVersion) {
        return "Checkpoint conflict on thread '" + Keys.printable(Objects.requireNonNull(threadId, "threadId"))
                + "': the writer last saw head " + describe(expectedHead) + " (version " + expectedVersion
                + ") but the thread is at head " + describe(actualHead) + " (version " + actualVersion + "); another "
                + "run wrote to the thread in between. Nothing was written. Read the thread again and redo the step "
                + "from the fresh head.";
    }

    /** The LangGraph4j thread id. */
    public String threadId() {
        return threadId;
    }

    /** The head checkpoint id the writer last saw; empty if it saw an empty thread. */
    public Optional<String> expectedHead() {
        return Optional.ofNullable(expectedHead);
    }

    /** The thread's head checkpoint id when the put was checked; empty if the thread was empty (released). */
    public Optional<String> actualHead() {
        return Optional.ofNullable(actualHead);
    }

    private static String describe(@Nullable String head) {
        return head == null ? "<empty thread>" : Keys.printable(head);
    }
}
