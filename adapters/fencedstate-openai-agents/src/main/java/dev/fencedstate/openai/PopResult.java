package dev.fencedstate.openai;

import com.openai.models.responses.ResponseInputItem;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link FencedSession#popItem} did.
 *
 * @param popped  the removed item with its sequence number, or {@code null} if the session was empty
 * @param session the session after the pop: the base for the next change
 */
public record PopResult(@Nullable SessionItem popped, SessionView session) {

    public PopResult {
        Objects.requireNonNull(session, "session");
    }

    /** The removed item (the Agents SDK's {@code popItem()} return value); empty if the session was empty. */
    public Optional<ResponseInputItem> item() {
        return popped == null ? Optional.empty() : Optional.of(popped.item());
    }
}
