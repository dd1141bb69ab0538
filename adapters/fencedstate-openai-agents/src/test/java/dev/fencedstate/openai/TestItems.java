package dev.fencedstate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.ResponseInputItem;
import java.util.List;

/** Small builders and readers of real openai-java items for the tests. */
final class TestItems {

    private TestItems() {
    }

    /** A user message the way an application usually builds one with the SDK. */
    static ResponseInputItem user(String text) {
        return ResponseInputItem.ofEasyInputMessage(
                EasyInputMessage.builder().role(EasyInputMessage.Role.USER).content(text).build());
    }

    static ResponseInputItem functionCallOutput(String callId, String output) {
        return ResponseInputItem.ofFunctionCallOutput(
                ResponseInputItem.FunctionCallOutput.builder().callId(callId).output(output).build());
    }

    /** "role: text" for a message, the item's type otherwise: what an assertion about a history needs. */
    static String describe(ResponseInputItem item) {
        JsonNode json = ResponseItems.toJsonNode(item);
        if (json.has("role")) {
            JsonNode content = json.get("content");
            StringBuilder text = new StringBuilder();
            if (content.isTextual()) {
                text.append(content.asText());
            } else {
                content.forEach(part -> text.append(part.path("text").asText()));
            }
            return json.get("role").asText() + ": " + text;
        }
        return json.path("type").asText();
    }

    static List<String> describe(List<ResponseInputItem> items) {
        return items.stream().map(TestItems::describe).toList();
    }
}
