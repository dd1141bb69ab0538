package dev.fencedstate.openai;

import com.openai.models.responses.ResponseInputItem;
import java.util.Objects;

/**
 * One item of a session with its sequence number. Sequence numbers start at 1, grow by one per item added, and are
 * never reused, not even after {@code popItem} or {@code clearSession}, so a sequence number names one item for the
 * session's whole life (the "tail id" in conflict messages).
 *
 * @param sequence the item's sequence number in its session, at least 1
 * @param item     the openai-java input item
 */
public record SessionItem(long sequence, ResponseInputItem item) {

    public SessionItem {
        if (sequence < 1) {
            throw new IllegalArgumentException("a sequence number is at least 1, was " + sequence);
        }
        Objects.requireNonNull(item, "item");
    }
}
