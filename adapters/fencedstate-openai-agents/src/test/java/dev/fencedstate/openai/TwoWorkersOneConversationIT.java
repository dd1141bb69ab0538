package dev.fencedstate.openai;

import static dev.fencedstate.openai.TestItems.describe;
import static dev.fencedstate.openai.TestItems.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import dev.fencedstate.Claim;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two workers take turns on one conversation, and the fake model holds each worker's first call until both are in
 * flight, so both turns start from the same state every time: the race the issue describes, forced, not hoped for.
 */
@DisplayName("Two workers taking turns on one conversation")
class TwoWorkersOneConversationIT {

    private static final long WAIT_SECONDS = 60;

    private final ManualClock clock = ManualClock.create();
    private final InMemoryStorage storage = new InMemoryStorage(clock);
    private final ExecutorService workers = Executors.newFixedThreadPool(2);
    private FakeResponsesApi api;
    private OpenAIClient client;

    @BeforeEach
    void start() throws Exception {
        api = FakeResponsesApi.start();
        client = api.client();
    }

    @AfterEach
    void stop() throws InterruptedException {
        try {
            workers.shutdownNow();
            assertThat(workers.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).as("workers stopped").isTrue();
        } finally {
            client.close();
            api.close();
            storage.close();
        }
    }

    /** Holds the first model call of each of the two turns until both are in flight; retries pass straight through. */
    private void raceFirstCallsOf(String firstText, String secondText) {
        CountDownLatch bothInFlight = new CountDownLatch(2);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        api.gate(call -> {
            String text = call.lastUserText();
            if ((text.equals(firstText) || text.equals(secondText)) && seen.add(text)) {
                bothInFlight.countDown();
                if (!bothInFlight.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other worker never called the model");
                }
            }
        });
    }

    private <T> List<T> runBoth(Callable<T> first, Callable<T> second) throws Exception {
        Future<T> a = workers.submit(first);
        Future<T> b = workers.submit(second);
        // Arrays.asList: a plain turn returns null.
        return java.util.Arrays.asList(a.get(WAIT_SECONDS, TimeUnit.SECONDS), b.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    private AgentTurnRunner runner() {
        return AgentTurnRunner.builder(client).model("gpt-4.1").retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(3))
                .sleeper(duration -> { }).build();
    }

    private FencedStore worker(String name) {
        return FencedStore.builder(storage).writerId(name).build();
    }

    private Response create(List<ResponseInputItem> input, String previousResponseId) {
        ResponseCreateParams.Builder params = ResponseCreateParams.builder().model("gpt-4.1").inputOfResponse(input);
        if (previousResponseId != null) {
            params.previousResponseId(previousResponseId);
        }
        return client.responses().create(params.build());
    }

    // ---------------------------------------------------------------- without fencing: the loss

    @Test
    @DisplayName("with a plain in-memory list, one worker's turn is lost")
    void plainListLosesATurn() throws Exception {
        AtomicReference<List<ResponseInputItem>> plain = new AtomicReference<>(List.of());
        raceFirstCallsOf("from w1", "from w2");

        runBoth(() -> plainTurn(plain, "from w1"), () -> plainTurn(plain, "from w2"));

        List<String> history = describe(plain.get());
        assertThat(api.calls()).hasSize(2);
        assertThat(history).hasSize(2);
        assertThat(history.stream().filter(line -> line.startsWith("user:")))
                .as("exactly one of the two user messages survived").hasSize(1);
    }

    private Void plainTurn(AtomicReference<List<ResponseInputItem>> plain, String text) {
        List<ResponseInputItem> history = plain.get();
        List<ResponseInputItem> prompt = new ArrayList<>(history);
        prompt.add(user(text));
        Response response = create(prompt, null);
        List<ResponseInputItem> next = new ArrayList<>(prompt);
        next.addAll(ResponseItems.toInputItems(response));
        plain.set(next);
        return null;
    }

    @Test
    @DisplayName("with a plain pointer to the latest response, one branch disappears")
    void plainPointerLosesABranch() throws Exception {
        AtomicReference<String> pointer = new AtomicReference<>(create(List.of(user("start")), null).id());
        raceFirstCallsOf("from w1", "from w2");

        List<String> created = runBoth(() -> plainHeadTurn(pointer, "from w1"),
                () -> plainHeadTurn(pointer, "from w2"));

        Map<String, String> previousOf = chainLinks();
        assertThat(created).allMatch(id -> previousOf.get(id).equals("resp_1"));
        List<String> reachable = chainFrom(pointer.get(), previousOf);
        assertThat(reachable).hasSize(2).endsWith("resp_1");
        assertThat(created).filteredOn(id -> !reachable.contains(id)).as("the lost branch").hasSize(1);
    }

    private String plainHeadTurn(AtomicReference<String> pointer, String text) {
        Response response = create(List.of(user(text)), pointer.get());
        pointer.set(response.id());
        return response.id();
    }

    // ---------------------------------------------------------------- with fencing: nothing lost

    @Test
    @DisplayName("with the fenced session, exactly one wins each race, the other redoes its turn on the fresh history")
    void fencedSessionLosesNothing() throws Exception {
        FencedSession w1 = FencedSessionStore.create(worker("w1")).session("chat");
        FencedSession w2 = FencedSessionStore.create(worker("w2")).session("chat");
        AgentTurnRunner runner = runner();
        int rounds = 3;

        for (int round = 0; round < rounds; round++) {
            String text1 = "w1 round " + round;
            String text2 = "w2 round " + round;
            raceFirstCallsOf(text1, text2);
            int callsBefore = api.calls().size();

            List<SessionTurn> turns = runBoth(() -> runner.runTurn(w1, List.of(user(text1))),
                    () -> runner.runTurn(w2, List.of(user(text2))));

            assertThat(turns).extracting(SessionTurn::attempts).as("round " + round)
                    .containsExactlyInAnyOrder(1, 2);
            assertThat(api.calls()).hasSize(callsBefore + 3);
            SessionTurn winner = turns.get(0).attempts() == 1 ? turns.get(0) : turns.get(1);
            String winnerText = winner == turns.get(0) ? text1 : text2;
            String loserText = winner == turns.get(0) ? text2 : text1;
            FakeResponsesApi.Call retry = api.callsWithLastUserText(loserText).get(1);
            assertThat(retry.inputSummary()).as("the retry saw the winner's turn")
                    .contains("user: " + winnerText).endsWith("user: " + loserText);
        }

        List<String> history = describe(w1.getItems());
        assertThat(history).hasSize(rounds * 2 * 2);
        for (int i = 0; i < history.size(); i += 2) {
            String userLine = history.get(i);
            assertThat(userLine).startsWith("user: ");
            assertThat(history.get(i + 1)).as("each reply follows its own question")
                    .startsWith("assistant: reply").contains("to '" + userLine.substring("user: ".length()) + "'");
        }
        for (int round = 0; round < rounds; round++) {
            assertThat(history).containsOnlyOnce("user: w1 round " + round, "user: w2 round " + round);
        }
        assertThat(w1.read().entries()).extracting(SessionItem::sequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, rounds * 4L).boxed().toList());
    }

    @Test
    @DisplayName("with the fenced head, exactly one wins each race and the chain keeps every turn")
    void fencedHeadLosesNoBranch() throws Exception {
        FencedHead w1 = FencedHeadStore.create(worker("w1")).head("chat");
        FencedHead w2 = FencedHeadStore.create(worker("w2")).head("chat");
        AgentTurnRunner runner = runner();
        runner.runTurn(w1, List.of(user("start")));
        int rounds = 3;

        for (int round = 0; round < rounds; round++) {
            String text1 = "w1 round " + round;
            String text2 = "w2 round " + round;
            raceFirstCallsOf(text1, text2);

            List<HeadTurn> turns = runBoth(() -> runner.runTurn(w1, List.of(user(text1))),
                    () -> runner.runTurn(w2, List.of(user(text2))));

            assertThat(turns).extracting(HeadTurn::attempts).containsExactlyInAnyOrder(1, 2);
            HeadTurn winner = turns.get(0).attempts() == 1 ? turns.get(0) : turns.get(1);
            HeadTurn loser = winner == turns.get(0) ? turns.get(1) : turns.get(0);
            assertThat(loser.head().previousResponseId()).contains(winner.response().id());
        }

        Map<String, String> previousOf = chainLinks();
        List<String> chain = chainFrom(w1.read().responseId().orElseThrow(), previousOf);
        assertThat(chain).as("start + two turns per round, in one line").hasSize(1 + rounds * 2);
        List<String> turnTexts = new ArrayList<>();
        for (String id : chain) {
            turnTexts.add(api.calls().stream().filter(call -> call.responseId().equals(id)).findFirst()
                    .orElseThrow().lastUserText());
        }
        for (int round = 0; round < rounds; round++) {
            assertThat(turnTexts).containsOnlyOnce("w1 round " + round, "w2 round " + round);
        }
    }

    // ---------------------------------------------------------------- zombies

    @Test
    @DisplayName("a worker that stalls mid-turn and is reclaimed is fenced when it wakes, and is not retried")
    void stalledWorkerReclaimedMidTurnIsFenced() throws Exception {
        FencedSession slow = FencedSessionStore.create(worker("slow")).session("chat");
        FencedSession rescuer = FencedSessionStore.create(worker("rescuer")).session("chat");
        AgentTurnRunner runner = runner();
        CountDownLatch stalledInModel = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        api.gate(call -> {
            if (call.lastUserText().equals("slow turn")) {
                stalledInModel.countDown();
                if (!wake.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never woken");
                }
            }
        });
        Claim slowClaim = slow.claim(Duration.ofSeconds(30));

        Future<SessionTurn> stalled = workers.submit(() -> runner.runTurn(slow, slowClaim, List.of(user("slow turn"))));
        Claim rescue;
        SessionTurn rescued;
        try {
            assertThat(stalledInModel.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            clock.advance(Duration.ofSeconds(31));
            rescue = rescuer.claim(Duration.ofSeconds(30));
            rescued = runner.runTurn(rescuer, rescue, List.of(user("rescue turn")));
        } finally {
            // Whatever failed above, never leave the stalled worker's model call held.
            wake.countDown();
        }

        ExecutionException failure = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
                () -> stalled.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThat(rescue.reclaimed()).isTrue();
        assertThat(failure).cause().isInstanceOf(FencedWriteException.class);
        FencedWriteException fenced = (FencedWriteException) failure.getCause();
        assertThat(fenced.claimEpoch()).isEqualTo(slowClaim.epoch());
        assertThat(fenced.currentEpoch()).isEqualTo(rescue.epoch());
        assertThat(api.callsWithLastUserText("slow turn")).as("a fenced turn is never retried").hasSize(1);
        assertThat(describe(slow.getItems())).containsExactly("user: rescue turn",
                "assistant: reply 2 to 'rescue turn' after 1 input items");
        assertThat(rescued.session().version()).isEqualTo(slow.read().version());
    }

    @Test
    @DisplayName("a revoked worker is fenced even though nobody advanced the head while it stalled")
    void revokedZombieOnTheHeadIsFenced() throws Exception {
        FencedHead zombie = FencedHeadStore.create(worker("zombie")).head("chat");
        FencedHead recovery = FencedHeadStore.create(worker("recovery")).head("chat");
        AgentTurnRunner runner = runner();
        HeadView start = runner.runTurn(zombie, List.of(user("start"))).head();
        CountDownLatch stalledInModel = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        api.gate(call -> {
            if (call.lastUserText().equals("zombie turn")) {
                stalledInModel.countDown();
                if (!wake.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never woken");
                }
            }
        });
        Claim claim = zombie.claim(Duration.ofSeconds(30));

        Future<HeadTurn> stalled = workers.submit(() -> runner.runTurn(zombie, claim, List.of(user("zombie turn"))));
        try {
            assertThat(stalledInModel.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(recovery.revoke()).isTrue();
        } finally {
            wake.countDown();
        }

        ExecutionException failure = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
                () -> stalled.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThat(failure).cause().isInstanceOf(FencedWriteException.class);
        HeadView now = recovery.read();
        assertThat(now.responseId()).isEqualTo(start.responseId());
        assertThat(now.version()).as("the version never moved: only the epoch fenced it").isEqualTo(start.version());
    }

    // ---------------------------------------------------------------- chains on the fake server

    /** response id -> previous_response_id, for every response the fake server created with one. */
    private Map<String, String> chainLinks() {
        Map<String, String> links = new HashMap<>();
        for (FakeResponsesApi.Call call : api.calls()) {
            call.previousResponseId().ifPresent(previous -> links.put(call.responseId(), previous));
        }
        return links;
    }

    private static List<String> chainFrom(String head, Map<String, String> previousOf) {
        List<String> chain = new ArrayList<>();
        for (String id = head; id != null; id = previousOf.get(id)) {
            chain.add(id);
        }
        return chain;
    }
}
