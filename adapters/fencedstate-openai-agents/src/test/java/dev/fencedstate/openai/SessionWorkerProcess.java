package dev.fencedstate.openai;

import com.openai.client.OpenAIClient;
import dev.fencedstate.Claim;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.file.FileStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A worker in another JVM, for {@link CrossProcessFileBackendIT}: opens the same state directory through the file
 * backend and runs agent turns with a real OpenAIClient against the parent's fake Responses API.
 *
 * <pre>
 *   turns        DIR BASE_URL SESSION WORKER COUNT  - run COUNT turns "WORKER turn i"; print "DONE attempts=N"
 *   claimed-turn DIR BASE_URL SESSION WORKER        - claim the session, print "CLAIMED epoch=E", run one turn
 *                                                     under the claim; print "COMMITTED" or "FENCED ..." (exit 3)
 * </pre>
 */
public final class SessionWorkerProcess {

    static final int EXIT_FENCED = 3;

    private SessionWorkerProcess() {
    }

    public static void main(String[] args) {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        String baseUrl = args[2];
        String sessionId = args[3];
        String worker = args[4];
        OpenAIClient client = FakeResponsesApi.clientFor(baseUrl);
        try (FencedStore store = FencedStore.builder(FileStorage.open(dir)).writerId(worker).build()) {
            FencedSession session = FencedSessionStore.create(store).session(sessionId);
            AgentTurnRunner runner = AgentTurnRunner.builder(client).model("gpt-4.1")
                    .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(20)).build();
            switch (mode) {
                case "turns" -> {
                    int count = Integer.parseInt(args[5]);
                    int attempts = 0;
                    for (int i = 0; i < count; i++) {
                        attempts += runner.runTurn(session, List.of(TestItems.user(worker + " turn " + i))).attempts();
                    }
                    System.out.println("DONE attempts=" + attempts);
                }
                case "claimed-turn" -> {
                    Claim claim = session.claim(Duration.ofMinutes(5));
                    System.out.println("CLAIMED epoch=" + claim.epoch());
                    try {
                        runner.runTurn(session, claim, List.of(TestItems.user(worker + " claimed turn")));
                        System.out.println("COMMITTED");
                    } catch (FencedWriteException fenced) {
                        System.out.println("FENCED claimEpoch=" + fenced.claimEpoch() + " currentEpoch="
                                + fenced.currentEpoch());
                        System.out.flush();
                        System.exit(EXIT_FENCED);
                    }
                }
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        } finally {
            client.close();
        }
        System.out.flush();
        // okhttp keeps non-daemon threads alive for a while; the work is done, so leave now.
        System.exit(0);
    }
}
