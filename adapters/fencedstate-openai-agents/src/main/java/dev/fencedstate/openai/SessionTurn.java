package dev.fencedstate.openai;

import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseInputItem;
import java.util.List;
import java.util.Objects;

/**
 * One committed session turn.
 *
 * @param response   the model's response whose items were committed (from the last attempt)
 * @param addedItems what the turn appended: the new input items, then the response's output items as input items
 * @param session    the session after the commit
 * @param attempts   model calls made; more than 1 means a peer changed the session mid-turn and the turn was redone
 */
public record SessionTurn(Response response, List<ResponseInputItem> addedItems, SessionView session, int attempts) {

    public SessionTurn {
        Objects.requireNonNull(response, "response");
        addedItems = List.copyOf(addedItems);
        Objects.requireNonNull(session, "session");
    }
}
