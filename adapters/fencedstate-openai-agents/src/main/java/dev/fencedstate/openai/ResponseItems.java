package dev.fencedstate.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Converts openai-java input items to and from their JSON, which is exactly the JSON the SDK sends to the Responses
 * API as {@code input} (both use the SDK's own {@link ObjectMappers#jsonMapper() Jackson mapper}). That wire form is
 * what the session store keeps, so a stored item replays byte for byte as the SDK would have sent it, and the
 * Python and TypeScript Agents SDKs, whose session items are the same Responses API JSON, can read it.
 *
 * <p>What "faithful" means here: for every item, {@code toJson(fromJson(toJson(item)))} equals {@code toJson(item)},
 * and fields this SDK version does not know are kept. Most items also read back {@code equals} to the original. The
 * exception is inherent in the API's union: a user {@code message} JSON fits both {@link EasyInputMessage} and
 * {@link ResponseInputItem.Message}; the SDK's deserializer resolves it to the former, with identical JSON.
 */
public final class ResponseItems {

    private static final JsonMapper MAPPER = ObjectMappers.jsonMapper();

    private ResponseItems() {
    }

    /** The item's Responses API JSON, as the SDK would send it. */
    public static String toJson(ResponseInputItem item) {
        Objects.requireNonNull(item, "item");
        try {
            return MAPPER.writeValueAsString(item);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("openai-java could not serialize the item: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads an item from its Responses API JSON.
     *
     * @throws IllegalArgumentException if {@code json} is not a JSON object
     */
    public static ResponseInputItem fromJson(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        return fromJsonNode(node);
    }

    /**
     * Every output item of {@code response} as an input item for the next turn, in order: the JSON of an output item
     * (assistant message, function call, reasoning, ...) is also a valid input item, so it is re-read as one.
     */
    public static List<ResponseInputItem> toInputItems(Response response) {
        Objects.requireNonNull(response, "response");
        List<ResponseInputItem> items = new ArrayList<>(response.output().size());
        for (ResponseOutputItem output : response.output()) {
            items.add(fromJsonNode(MAPPER.valueToTree(output)));
        }
        return List.copyOf(items);
    }

    static JsonNode toJsonNode(ResponseInputItem item) {
        return MAPPER.valueToTree(Objects.requireNonNull(item, "item"));
    }

    static ResponseInputItem fromJsonNode(JsonNode node) {
        if (!(node instanceof ObjectNode)) {
            throw new IllegalArgumentException("an input item must be a JSON object, was " + node.getNodeType());
        }
        try {
            if (!node.has("type") && node.has("role")) {
                // The API makes "type" optional on the easy message form ({"role": ..., "content": ...}), and the
                // Python and TypeScript SDKs write user input exactly so. The SDK's union deserializer dispatches on
                // "type" and would keep such an item as unrecognised JSON; read it as the message it is. Its JSON
                // stays the same (still without "type").
                return ResponseInputItem.ofEasyInputMessage(MAPPER.treeToValue(node, EasyInputMessage.class));
            }
            return MAPPER.treeToValue(node, ResponseInputItem.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("openai-java could not read the item: " + e.getOriginalMessage(), e);
        }
    }

    static JsonMapper mapper() {
        return MAPPER;
    }
}
