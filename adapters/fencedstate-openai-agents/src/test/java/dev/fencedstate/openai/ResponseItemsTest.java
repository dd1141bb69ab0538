package dev.fencedstate.openai;

import static dev.fencedstate.openai.TestItems.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("openai-java items survive the trip to JSON and back")
class ResponseItemsTest {

    /** A Responses API reply as the API sends it, parsed by the SDK itself. */
    static Response parsedResponse() throws Exception {
        String json = """
                {"id":"resp_42","object":"response","created_at":1767225600,"status":"completed","model":"gpt-4.1",
                 "output":[
                   {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"look it up"}]},
                   {"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather",
                    "arguments":"{\\"city\\":\\"Paris\\"}","status":"completed"},
                   {"type":"message","id":"msg_1","status":"completed","role":"assistant",
                    "content":[{"type":"output_text","text":"Sunny.","annotations":[]}]}],
                 "parallel_tool_calls":true,"tool_choice":"auto","tools":[],"error":null,"incomplete_details":null,
                 "instructions":null,"metadata":{},"temperature":1.0,"top_p":1.0,"previous_response_id":null}
                """;
        return ObjectMappers.jsonMapper().readValue(json, Response.class).validate();
    }

    static ResponseInputItem functionCall() {
        return ResponseInputItem.ofFunctionCall(ResponseFunctionToolCall.builder().callId("call_7")
                .name("get_weather").arguments("{\"city\":\"Oslo\"}").build());
    }

    @Test
    @DisplayName("messages, function calls and function call outputs read back equal, with identical JSON")
    void sdkItemsRoundTripEqual() {
        List<ResponseInputItem> items = List.of(
                user("What is the weather in Oslo?"),
                ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.DEVELOPER)
                        .content("Answer briefly.").type(EasyInputMessage.Type.MESSAGE).build()),
                functionCall(),
                TestItems.functionCallOutput("call_7", "{\"temperature_c\":-3}"));
        for (ResponseInputItem item : items) {
            String json = ResponseItems.toJson(item);
            ResponseInputItem back = ResponseItems.fromJson(json);
            assertThat(back).as(json).isEqualTo(item);
            assertThat(ResponseItems.toJson(back)).isEqualTo(json);
        }
        assertThat(ResponseItems.fromJson(ResponseItems.toJson(items.get(0))).isEasyInputMessage()).isTrue();
        assertThat(ResponseItems.fromJson(ResponseItems.toJson(items.get(2))).asFunctionCall().callId())
                .isEqualTo("call_7");
        assertThat(ResponseItems.fromJson(ResponseItems.toJson(items.get(3))).isFunctionCallOutput()).isTrue();
    }

    @Test
    @DisplayName("an output message, function call and reasoning from a parsed Response become input items")
    void outputItemsBecomeInputItems() throws Exception {
        List<ResponseInputItem> items = ResponseItems.toInputItems(parsedResponse());

        assertThat(items).hasSize(3);
        assertThat(items.get(0).isReasoning()).isTrue();
        assertThat(items.get(1).isFunctionCall()).isTrue();
        assertThat(items.get(1).asFunctionCall().arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(items.get(2).isResponseOutputMessage()).isTrue();
        assertThat(items.get(2).asResponseOutputMessage().id()).isEqualTo("msg_1");
        for (ResponseInputItem item : items) {
            assertThat(ResponseItems.fromJson(ResponseItems.toJson(item))).isEqualTo(item);
        }
    }

    @Test
    @DisplayName("an input Message keeps its JSON; the SDK's own union reads that JSON as the easy message form")
    void inputMessageKeepsItsJson() {
        ResponseInputItem message = ResponseInputItem.ofMessage(ResponseInputItem.Message.builder()
                .role(ResponseInputItem.Message.Role.USER).addInputTextContent("hello")
                .type(ResponseInputItem.Message.Type.MESSAGE).build());

        ResponseInputItem back = ResponseItems.fromJson(ResponseItems.toJson(message));

        assertThat(ResponseItems.toJson(back)).isEqualTo(ResponseItems.toJson(message));
        assertThat(back.isEasyInputMessage()).isTrue();
    }

    @Test
    @DisplayName("a message without \"type\" (as Python and TypeScript write user input) reads as a message")
    void typelessMessageReadsAsMessage() {
        ResponseInputItem fromPython = ResponseItems.fromJson("{\"role\":\"user\",\"content\":\"hi\"}");

        assertThat(fromPython.isEasyInputMessage()).isTrue();
        assertThat(fromPython.asEasyInputMessage().content().asTextInput()).isEqualTo("hi");
        assertThat(ResponseItems.toJson(fromPython)).isEqualTo("{\"content\":\"hi\",\"role\":\"user\"}");
        assertThat(fromPython).isEqualTo(user("hi"));
    }

    @Test
    @DisplayName("fields and item types this SDK version does not know are kept, not dropped")
    void unknownContentIsKept() throws Exception {
        String futureField = "{\"call_id\":\"c\",\"output\":\"x\",\"type\":\"function_call_output\","
                + "\"added_later\":{\"a\":[1,2]}}";
        String futureType = "{\"type\":\"hologram_call\",\"id\":\"h_1\",\"depth\":3}";

        ResponseInputItem withField = ResponseItems.fromJson(futureField);
        assertThat(withField.isFunctionCallOutput()).isTrue();
        assertThat(withField.asFunctionCallOutput()._additionalProperties())
                .containsEntry("added_later", JsonValue.from(java.util.Map.of("a", List.of(1, 2))));
        assertThat(ResponseItems.fromJson(ResponseItems.toJson(withField))).isEqualTo(withField);

        ResponseInputItem unknown = ResponseItems.fromJson(futureType);
        assertThat(ObjectMappers.jsonMapper().readTree(ResponseItems.toJson(unknown)))
                .isEqualTo(ObjectMappers.jsonMapper().readTree(futureType));
    }

    @Test
    @DisplayName("bad input is refused with a clear error")
    void badInput() {
        assertThatThrownBy(() -> ResponseItems.fromJson("[1,2]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> ResponseItems.fromJson("{not json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
    }
}
