package dev.fencedstate.openai;

import static dev.fencedstate.openai.TestItems.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.ResponseInputItem;
import dev.fencedstate.CorruptStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.UnsupportedFormatException;
import dev.fencedstate.file.FileStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The stored format: real SDK items on the file backend, readable by another process or language")
class StoredFormatTest {

    @TempDir
    Path dir;

    private static List<ResponseInputItem> conversationWithTools() throws Exception {
        List<ResponseInputItem> items = new ArrayList<>();
        items.add(ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                .role(EasyInputMessage.Role.DEVELOPER).content("Be brief.").type(EasyInputMessage.Type.MESSAGE)
                .build()));
        items.add(user("Weather in Paris?"));
        items.addAll(ResponseItems.toInputItems(ResponseItemsTest.parsedResponse()));
        items.add(ResponseItemsTest.functionCall());
        items.add(TestItems.functionCallOutput("call_1", "{\"sky\":\"clear\",\"temperature_c\":24}"));
        return items;
    }

    @Test
    @DisplayName("items written by one store are read back equal, with identical JSON, by a fresh store")
    void roundTripThroughFiles() throws Exception {
        List<ResponseInputItem> items = conversationWithTools();
        try (FencedStore writer = FencedStore.builder(FileStorage.open(dir)).build()) {
            FencedSession session = FencedSessionStore.create(writer).session("trip");
            session.addItems(session.read(), items);
        }
        try (FencedStore reader = FencedStore.builder(FileStorage.open(dir)).build()) {
            List<ResponseInputItem> back = FencedSessionStore.create(reader).session("trip").getItems();

            assertThat(back).isEqualTo(items);
            assertThat(back).extracting(ResponseItems::toJson)
                    .isEqualTo(items.stream().map(ResponseItems::toJson).toList());
            assertThat(back.get(2).isReasoning()).isTrue();
            assertThat(back.get(3).isFunctionCall()).isTrue();
            assertThat(back.get(4).isResponseOutputMessage()).isTrue();
            assertThat(back.get(6).asFunctionCallOutput().callId()).isEqualTo("call_1");
        }
    }

    @Test
    @DisplayName("the value is the documented JSON document, each item exactly the SDK's request JSON")
    void documentedSessionFormat() throws Exception {
        List<ResponseInputItem> items = conversationWithTools();
        try (FencedStore store = FencedStore.builder(FileStorage.open(dir)).build()) {
            FencedSession session = FencedSessionStore.create(store).session("format");
            SessionView view = session.addItems(session.read(), items);
            session.popItem(view);

            JsonNode document = ObjectMappers.jsonMapper().readTree(
                    store.read("openai-agents/sessions/format").valueAsUtf8().orElseThrow());

            assertThat(document.get("format").asText()).isEqualTo("fencedstate.openai.session");
            assertThat(document.get("format_version").asInt()).isEqualTo(1);
            assertThat(document.get("session_id").asText()).isEqualTo("format");
            assertThat(document.get("next_sequence").asLong()).isEqualTo(items.size() + 1);
            assertThat(document.get("items")).hasSize(items.size() - 1);
            for (int i = 0; i < items.size() - 1; i++) {
                JsonNode stored = document.get("items").get(i);
                assertThat(stored.get("sequence").asLong()).isEqualTo(i + 1);
                assertThat(stored.get("item")).isEqualTo(ResponseItems.toJsonNode(items.get(i)));
            }
        }
    }

    @Test
    @DisplayName("a document another language wrote (plain dicts, no \"type\" on user input) reads as SDK items")
    void foreignWriterDocument() {
        String written = """
                {"format":"fencedstate.openai.session","format_version":1,"session_id":"py","next_sequence":4,
                 "items":[{"sequence":1,"item":{"role":"user","content":"hi"}},
                          {"sequence":2,"item":{"type":"message","role":"assistant","id":"msg_9","status":"completed",
                            "content":[{"type":"output_text","text":"hello","annotations":[]}]}},
                          {"sequence":3,"item":{"type":"function_call_output","call_id":"c1","output":"42"}}]}
                """;
        try (FencedStore store = FencedStore.builder(FileStorage.open(dir)).build()) {
            Snapshot absent = store.read("openai-agents/sessions/py");
            store.commit(absent, written.getBytes(StandardCharsets.UTF_8));

            SessionView view = FencedSessionStore.create(store).session("py").read();

            assertThat(view.items()).hasSize(3);
            assertThat(view.items().get(0)).isEqualTo(user("hi"));
            assertThat(view.items().get(1).isResponseOutputMessage()).isTrue();
            assertThat(view.items().get(2).asFunctionCallOutput().output().asString()).isEqualTo("42");
            assertThat(view.nextSequence()).isEqualTo(4);
        }
    }

    @Test
    @DisplayName("the head is a small documented JSON document")
    void documentedHeadFormat() throws Exception {
        try (FencedStore store = FencedStore.builder(FileStorage.open(dir)).build()) {
            FencedHead head = FencedHeadStore.create(store).head("c");
            head.advanceFrom(null, "resp_1");
            head.advanceFrom("resp_1", "resp_2");

            JsonNode document = ObjectMappers.jsonMapper().readTree(
                    store.read("openai-agents/heads/c").valueAsUtf8().orElseThrow());

            assertThat(document).isEqualTo(ObjectMappers.jsonMapper().readTree("""
                    {"format":"fencedstate.openai.head","format_version":1,"conversation_id":"c",
                     "response_id":"resp_2","previous_response_id":"resp_1"}"""));
        }
    }

    @Test
    @DisplayName("a newer format version is refused, not overwritten; damage is reported as corrupt state")
    void unknownVersionsAndDamage() {
        try (FencedStore store = FencedStore.builder(FileStorage.open(dir)).build()) {
            store.commit(store.read("openai-agents/sessions/new"), ("{\"format\":\"fencedstate.openai.session\","
                    + "\"format_version\":2,\"session_id\":\"new\"}").getBytes(StandardCharsets.UTF_8));
            store.commit(store.read("openai-agents/sessions/bad"), "not json".getBytes(StandardCharsets.UTF_8));
            store.commit(store.read("openai-agents/sessions/moved"), ("{\"format\":\"fencedstate.openai.session\","
                    + "\"format_version\":1,\"session_id\":\"elsewhere\",\"next_sequence\":1,\"items\":[]}")
                    .getBytes(StandardCharsets.UTF_8));
            store.commit(store.read("openai-agents/heads/h"), "{\"format\":\"fencedstate.openai.session\"}"
                    .getBytes(StandardCharsets.UTF_8));
            FencedSessionStore sessions = FencedSessionStore.create(store);

            assertThatThrownBy(() -> sessions.session("new").read()).isInstanceOf(UnsupportedFormatException.class)
                    .hasMessageContaining("version 2");
            FencedSession newer = sessions.session("new");
            assertThatThrownBy(() -> newer.addItems(newer.read(), List.of(user("x"))))
                    .isInstanceOf(UnsupportedFormatException.class);
            assertThat(store.read("openai-agents/sessions/new").version()).isEqualTo(1);
            assertThatThrownBy(() -> sessions.session("bad").read()).isInstanceOf(CorruptStateException.class)
                    .hasMessageContaining("not JSON");
            assertThatThrownBy(() -> sessions.session("moved").read()).isInstanceOf(CorruptStateException.class)
                    .hasMessageContaining("session_id");
            assertThatThrownBy(() -> FencedHeadStore.create(store).head("h").read())
                    .isInstanceOf(CorruptStateException.class).hasMessageContaining("fencedstate.openai.head");
        }
    }

    @Test
    @DisplayName("a next_sequence below 1 is reported as corrupt on read, not as a bad item on the next append")
    void nextSequenceBelowOneIsCorrupt() {
        try (FencedStore store = FencedStore.builder(FileStorage.open(dir)).build()) {
            store.commit(store.read("openai-agents/sessions/zero"), ("{\"format\":\"fencedstate.openai.session\","
                    + "\"format_version\":1,\"session_id\":\"zero\",\"next_sequence\":0,\"items\":[]}")
                    .getBytes(StandardCharsets.UTF_8));
            FencedSession session = FencedSessionStore.create(store).session("zero");

            assertThatThrownBy(session::read).isInstanceOf(CorruptStateException.class)
                    .hasMessageContaining("next_sequence").hasMessageContaining("at least 1");
            assertThat(store.read("openai-agents/sessions/zero").version()).isEqualTo(1);
        }
    }
}
