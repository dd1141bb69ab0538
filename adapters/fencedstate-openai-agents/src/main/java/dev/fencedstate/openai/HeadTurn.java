package dev.fencedstate.openai;

import com.openai.models.responses.Response;
import java.util.Objects;

/**
 * One committed conversation-head turn.
 *
 * @param response the model's response that became the head (from the last attempt)
 * @param head     the head after the advance
 * @param attempts model calls made; more than 1 means a peer advanced the head mid-turn and the turn was redone
 */
public record HeadTurn(Response response, HeadView head, int attempts) {

    public HeadTurn {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(head, "head");
    }
}
