package dev.fencedstate.langgraph4j;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the saver recorded about one checkpoint of a thread, besides the checkpoint itself: which checkpoint it was
 * written on top of, by which writer, and under which claim. {@link FencedCheckpointSaver#history} lists these, newest
 * first, so an operator (or a test) can see that a thread's history is one chain and which run wrote each step.
 *
 * @param checkpointId the checkpoint's id
 * @param parentId     the head the checkpoint was written on top of; {@code null} for the first checkpoint of a thread
 * @param writerId     the {@link dev.fencedstate.FencedStore#writerId() writer id} of the store that wrote it
 * @param claimEpoch   the epoch of the claim it was written under, or 0 if it was written without a claim
 * @param nodeId       the node the checkpoint was taken after
 * @param nextNodeId   the node that runs next from this checkpoint
 */
public record StoredCheckpoint(String checkpointId, @Nullable String parentId, String writerId, long claimEpoch,
        String nodeId, String nextNodeId) {

    public StoredCheckpoint {
        Objects.requireNonNull(checkpointId, "checkpointId");
        Objects.requireNonNull(writerId, "writerId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(nextNodeId, "nextNodeId");
        if (claimEpoch < 0) {
            throw new IllegalArgumentException("claimEpoch must be >= 0, was " + claimEpoch);
        }
    }
}
