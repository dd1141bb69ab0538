package dev.fencedstate.openai;

import static dev.fencedstate.openai.TestItems.describe;
import static dev.fencedstate.openai.TestItems.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.responses.ResponseFunctionToolCall;
import dev.fencedstate.Claim;
import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AgentTurnRunner with a real OpenAIClient against a fake Responses API on loopback")
class AgentTurnRunnerIT {

    private final ManualClock clock = ManualClock.create();
    private final InMemoryStorage storage = new InMemoryStorage(clock);
    private final FencedStore store = FencedStore.builder(storage).writerId("runner").build();
    private final FencedStore peerStore = FencedStore.builder(storage).writerId("peer").build();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private FakeResponsesApi api;
    private OpenAIClient client;

    @BeforeEach
    void start() throws Exception {
        api = FakeResponsesApi.start();
        client = api.client();
    }

    @AfterEach
    void stop() {
        client.close();
        api.close();
        storage.close();
    }

    private AgentTurnRunner runner(int maxAttempts) {
        return AgentTurnRunner.builder(client).model("gpt-4.1")
                .request(params -> params.instructions("Be brief.").model("ignored-model"))
                .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(maxAttempts)).sleeper(waits::add).build();
    }

    @Test
    @DisplayName("a session turn sends the history plus the new input and commits both with the model's answer")
    void sessionTurn() {
        FencedSession session = FencedSessionStore.create(store).session("s");
        AgentTurnRunner runner = runner(3);

        runner.runTurn(session, List.of(user("hello")));
        SessionTurn second = runner.runTurn(session, List.of(user("again")));

        assertThat(describe(second.session().items())).containsExactly("user: hello",
                "assistant: reply 1 to 'hello' after 1 input items", "user: again",
                "assistant: reply 2 to 'again' after 3 input items");
        assertThat(second.attempts()).isEqualTo(1);
        assertThat(second.response().id()).isEqualTo("resp_2");
        assertThat(second.session().items().get(3).isResponseOutputMessage()).isTrue();
        FakeResponsesApi.Call call = api.calls().get(1);
        assertThat(call.body().get("model").asText()).isEqualTo("gpt-4.1");
        assertThat(call.body().get("instructions").asText()).isEqualTo("Be brief.");
        assertThat(call.inputSummary()).containsExactly("user: hello",
                "assistant: reply 1 to 'hello' after 1 input items", "user: again");
        assertThat(call.previousResponseId()).isEmpty();
    }

    @Test
    @DisplayName("function calls and their outputs flow through the session as real SDK items")
    void toolCallsFlowThroughTheSession() {
        FencedSession session = FencedSessionStore.create(store).session("tools");
        AgentTurnRunner runner = runner(3);

        SessionTurn asked = runner.runTurn(session, List.of(user("weather: Oslo")));
        ResponseFunctionToolCall call = asked.response().output().get(0).asFunctionCall();
        SessionTurn answered = runner.runTurn(session,
                List.of(TestItems.functionCallOutput(call.callId(), "{\"temperature_c\":-3}")));

        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(describe(answered.session().items())).containsExactly("user: weather: Oslo", "function_call",
                "function_call_output", "assistant: the tool said {\"temperature_c\":-3}");
        assertThat(answered.session().items().get(1).asFunctionCall()).isEqualTo(call);
        assertThat(api.calls().get(1).inputSummary()).containsExactly("user: weather: Oslo", "function_call",
                "function_call_output");
    }

    @Test
    @DisplayName("a head turn chains to the head with previous_response_id and advances it")
    void headTurn() {
        FencedHead head = FencedHeadStore.create(store).head("h");
        AgentTurnRunner runner = runner(3);

        HeadTurn first = runner.runTurn(head, List.of(user("hello")));
        HeadTurn second = runner.runTurn(head, List.of(user("again")));

        assertThat(first.head().responseId()).contains("resp_1");
        assertThat(second.head().responseId()).contains("resp_2");
        assertThat(second.head().previousResponseId()).contains("resp_1");
        assertThat(api.calls().get(0).previousResponseId()).isEmpty();
        assertThat(api.calls().get(1).previousResponseId()).contains("resp_1");
        assertThat(api.calls().get(1).inputSummary()).containsExactly("user: again");
    }

    @Test
    @DisplayName("on a conflict the turn is redone: the model is called again on the fresh history")
    void conflictRedoesTheTurn() {
        FencedSession session = FencedSessionStore.create(store).session("s");
        FencedSession peer = FencedSessionStore.create(peerStore).session("s");
        // While the model answers the first call, a peer appends to the session.
        api.gate(call -> {
            if (call.number() == 1) {
                peer.addItems(peer.read(), List.of(user("peer was here")));
            }
        });

        SessionTurn turn = runner(3).runTurn(session, List.of(user("mine")));

        assertThat(turn.attempts()).isEqualTo(2);
        assertThat(waits).hasSize(1);
        assertThat(api.calls().get(1).inputSummary()).containsExactly("user: peer was here", "user: mine");
        assertThat(describe(session.getItems())).containsExactly("user: peer was here", "user: mine",
                "assistant: reply 2 to 'mine' after 2 input items");
    }

    @Test
    @DisplayName("when every attempt loses, the turn gives up with the last conflict and nothing of it is written")
    void attemptsRunOut() {
        FencedSession session = FencedSessionStore.create(store).session("s");
        FencedSession peer = FencedSessionStore.create(peerStore).session("s");
        api.gate(call -> peer.addItems(peer.read(), List.of(user("peer " + call.number()))));

        RetriesExhaustedException exhausted = catchThrowableOfType(RetriesExhaustedException.class,
                () -> runner(2).runTurn(session, List.of(user("mine"))));
        assertThat(exhausted.attempts()).isEqualTo(2);
        assertThat(exhausted.isRetryable()).isTrue();
        SessionConflictException conflict = (SessionConflictException) exhausted.lastConflict().orElseThrow();

        assertThat(api.calls()).hasSize(2);
        assertThat(describe(conflict.current().items())).containsExactly("user: peer 1", "user: peer 2");
        assertThat(describe(session.getItems())).containsExactly("user: peer 1", "user: peer 2");
        assertThat(conflict).isInstanceOf(VersionConflictException.class);
        assertThat(conflict.isRetryable()).isTrue();
        assertThat(conflict.expectedVersion()).as("the second attempt was based on the session after peer 1")
                .isEqualTo(1);
        assertThat(conflict.actualVersion()).isEqualTo(2);
        assertThat(waits).hasSize(1);
    }

    @Test
    @DisplayName("when every head attempt loses, the turn gives up with the last conflict, a core VersionConflictException")
    void headAttemptsRunOut() {
        FencedHead head = FencedHeadStore.create(store).head("h");
        FencedHead peer = FencedHeadStore.create(peerStore).head("h");
        api.gate(call -> peer.advance(peer.read(), "resp_peer_" + call.number()));

        RetriesExhaustedException exhausted = catchThrowableOfType(RetriesExhaustedException.class,
                () -> runner(2).runTurn(head, List.of(user("mine"))));
        assertThat(exhausted.attempts()).isEqualTo(2);
        VersionConflictException conflict = exhausted.lastConflict().orElseThrow();

        assertThat(conflict).isInstanceOf(HeadConflictException.class);
        assertThat(conflict.isRetryable()).isTrue();
        HeadConflictException headConflict = (HeadConflictException) conflict;
        assertThat(headConflict.expectedResponseId()).contains("resp_peer_1");
        assertThat(headConflict.attemptedResponseId()).isEqualTo("resp_2");
        assertThat(headConflict.current().responseId()).contains("resp_peer_2");
        assertThat(conflict.expectedVersion()).isEqualTo(1);
        assertThat(conflict.actualVersion()).isEqualTo(2).isEqualTo(head.read().version());
        assertThat(api.calls()).hasSize(2);
        assertThat(api.calls().get(1).previousResponseId()).contains("resp_peer_1");
        assertThat(head.read().responseId()).contains("resp_peer_2");
    }

    @Test
    @DisplayName("a head conflict redoes the turn from the new head")
    void headConflictRedoesFromNewHead() {
        FencedHead head = FencedHeadStore.create(store).head("h");
        FencedHead peer = FencedHeadStore.create(peerStore).head("h");
        head.advance(head.read(), "resp_start");
        api.gate(call -> {
            if (call.number() == 1) {
                peer.advanceFrom("resp_start", "resp_peer");
            }
        });

        HeadTurn turn = runner(3).runTurn(head, List.of(user("mine")));

        assertThat(turn.attempts()).isEqualTo(2);
        assertThat(api.calls().get(0).previousResponseId()).contains("resp_start");
        assertThat(api.calls().get(1).previousResponseId()).contains("resp_peer");
        assertThat(head.read().responseId()).contains("resp_2");
        assertThat(head.read().previousResponseId()).contains("resp_peer");
    }

    @Test
    @DisplayName("a worker already fenced does not call the model; a held session is not retried")
    void fencedAndHeldAreNotRetried() {
        FencedSession session = FencedSessionStore.create(store).session("s");
        FencedSession peer = FencedSessionStore.create(peerStore).session("s");
        Claim claim = session.claim(Duration.ofSeconds(30));
        assertThat(peer.revoke()).isTrue();

        assertThatThrownBy(() -> runner(3).runTurn(session, claim, List.of(user("zombie"))))
                .isInstanceOf(FencedWriteException.class);
        assertThat(api.calls()).isEmpty();

        peer.claim(Duration.ofSeconds(30));
        assertThatThrownBy(() -> runner(3).runTurn(session, List.of(user("unclaimed"))))
                .isInstanceOf(ClaimHeldException.class);
        assertThat(api.calls()).hasSize(1);
        assertThat(waits).isEmpty();
        assertThat(session.getItems()).isEmpty();
    }

    @Test
    @DisplayName("a head held by another worker is not retried; a head worker already fenced does not call the model")
    void heldAndFencedHeadsAreNotRetried() {
        FencedHead head = FencedHeadStore.create(store).head("h");
        FencedHead peer = FencedHeadStore.create(peerStore).head("h");
        Claim peerClaim = peer.claim(Duration.ofSeconds(30));

        assertThatThrownBy(() -> runner(3).runTurn(head, List.of(user("unclaimed"))))
                .isInstanceOf(ClaimHeldException.class).isNotInstanceOf(VersionConflictException.class);
        assertThat(api.calls()).hasSize(1);
        assertThat(peer.release(peerClaim)).isTrue();
        Claim claim = head.claim(Duration.ofSeconds(30));
        assertThat(peer.revoke()).isTrue();
        assertThatThrownBy(() -> runner(3).runTurn(head, claim, List.of(user("zombie"))))
                .isInstanceOf(FencedWriteException.class).isNotInstanceOf(VersionConflictException.class);
        assertThat(api.calls()).hasSize(1);
        assertThat(waits).isEmpty();
        assertThat(head.read().responseId()).isEmpty();
    }

    @Test
    @DisplayName("a claim on another key is refused before any model call, never mistaken for a fenced one")
    void claimOnAnotherKeyIsRefused() {
        FencedSession session = FencedSessionStore.create(store).session("s");
        FencedHead head = FencedHeadStore.create(store).head("h");
        Claim sessionClaim = session.claim(Duration.ofSeconds(30));
        Claim headClaim = head.claim(Duration.ofSeconds(30));
        FencedSession otherSession = FencedSessionStore.create(store).session("other");
        assertThat(sessionClaim.epoch()).as("same epoch: the fencing check alone would let it through")
                .isEqualTo(headClaim.epoch()).isNotEqualTo(otherSession.read().epoch());

        assertThatThrownBy(() -> runner(3).runTurn(head, sessionClaim, List.of(user("x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("openai-agents/sessions/s");
        assertThatThrownBy(() -> runner(3).runTurn(otherSession, sessionClaim, List.of(user("x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other");
        assertThatThrownBy(() -> runner(3).runTurn(session, headClaim, List.of(user("x"))))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(api.calls()).isEmpty();
        assertThat(head.read().version()).isZero();
        assertThat(session.read().version()).isZero();
    }

    @Test
    @DisplayName("the request customizer cannot add server-side history: previous_response_id and conversation")
    void customizerCannotAddServerSideHistory() {
        AgentTurnRunner runner = AgentTurnRunner.builder(client).model("gpt-4.1")
                .request(params -> params.instructions("Be brief.").previousResponseId("resp_elsewhere")
                        .conversation("conv_elsewhere")
                        .putAdditionalBodyProperty("previous_response_id", JsonValue.from("resp_raw"))
                        .putAdditionalBodyProperty("conversation", JsonValue.from("conv_raw"))
                        .putAdditionalBodyProperty("input", JsonValue.from("raw input")))
                .sleeper(waits::add).build();
        FencedSession session = FencedSessionStore.create(store).session("s");
        FencedHead head = FencedHeadStore.create(store).head("h");

        runner.runTurn(session, List.of(user("session turn")));
        runner.runTurn(head, List.of(user("first head turn")));
        runner.runTurn(head, List.of(user("second head turn")));

        List<FakeResponsesApi.Call> calls = api.calls();
        assertThat(calls).hasSize(3);
        for (FakeResponsesApi.Call call : calls) {
            assertThat(call.body().has("conversation")).as(call.body().toString()).isFalse();
            assertThat(call.body().get("instructions").asText()).isEqualTo("Be brief.");
            assertThat(call.body().get("input").isArray()).as(call.body().toString()).isTrue();
        }
        assertThat(calls.get(0).body().has("previous_response_id")).as("session mode").isFalse();
        assertThat(calls.get(1).body().has("previous_response_id")).as("a new conversation").isFalse();
        assertThat(calls.get(2).previousResponseId()).contains("resp_2");
        assertThat(calls.get(0).inputSummary()).containsExactly("user: session turn");
        assertThat(head.read().previousResponseId()).contains("resp_2");
    }

    @Test
    @DisplayName("the builder requires a model")
    void builderNeedsModel() {
        assertThatThrownBy(() -> AgentTurnRunner.builder(client).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("model");
        assertThatThrownBy(() -> AgentTurnRunner.builder(client).model(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
