package dev.fencedstate.openai;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonField;
import com.openai.core.JsonMissing;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import dev.fencedstate.Claim;
import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.Keys;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.Retrier;
import dev.fencedstate.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Runs one agent turn against the Responses API with fenced state: read the session (or the conversation head), call
 * the model, commit what it answered.
 *
 * <h2>On a conflict the turn is redone, not rebased</h2>
 * If a peer changed the session (or advanced the head) while the model was answering, the commit fails with
 * {@link SessionConflictException} ({@link HeadConflictException}) and nothing is written. The runner then starts
 * the turn again from the fresh state: it reads it (the state carried by the conflict), calls the model again on
 * it, and commits against it, as the {@link RetryPolicy} allows (by default 3 model calls), through core's
 * {@link Retrier}. It never appends the first answer onto the peer's items: that answer was produced without seeing them, so
 * the history would show a reply to a conversation the model never saw; and in head mode the first response is
 * chained server-side to the old head ({@code previous_response_id}) and cannot be moved. The discarded response
 * costs one model call (in head mode it also stays stored on the server as an unreferenced branch).
 *
 * <p>Never retried: {@link dev.fencedstate.FencedWriteException} (this worker's claim was reclaimed or revoked: stop),
 * {@link ClaimHeldException} (another worker holds the session: come back later), and errors of the OpenAI client.
 * Under a claim the runner checks the claim before calling the model, so a worker that is already fenced does not
 * spend a model call.
 */
public final class AgentTurnRunner {

    /** Request fields the runner sets itself; a request customizer's values (typed or raw) are replaced. */
    private static final Set<String> RUNNER_OWNED_FIELDS =
            Set.of("model", "input", "previous_response_id", "conversation");

    private final OpenAIClient client;
    private final String model;
    private final Consumer<ResponseCreateParams.Builder> request;
    private final Retrier retrier;

    private AgentTurnRunner(Builder builder) {
        this.client = builder.client;
        this.model = Objects.requireNonNull(builder.model, "model");
        this.request = builder.request;
        Retrier configured = Retrier.of(builder.retryPolicy);
        if (builder.sleeper != null) {
            configured = configured.withSleeper(builder.sleeper);
        }
        this.retrier = builder.jitterRandom == null ? configured : configured.withRandom(builder.jitterRandom);
    }

    public static Builder builder(OpenAIClient client) {
        return new Builder(client);
    }

    // ---------------------------------------------------------------- session turns

    /**
     * Sends the session's items plus {@code newItems} to the model and appends {@code newItems} and the model's output
     * items to the session, if nobody changed it meanwhile; otherwise redoes the turn on the fresh session.
     *
     * @throws RetriesExhaustedException if every attempt lost a conflict (its cause is the last
     *                                   {@link SessionConflictException})
     * @throws ClaimHeldException       if another worker holds a live claim on the session
     */
    public SessionTurn runTurn(FencedSession session, List<ResponseInputItem> newItems) {
        return sessionTurn(session, null, newItems);
    }

    /**
     * {@link #runTurn(FencedSession, List)} under {@code claim}.
     *
     * @throws FencedWriteException if the claim was reclaimed or revoked, before or during the turn (never retried)
     */
    public SessionTurn runTurn(FencedSession session, Claim claim, List<ResponseInputItem> newItems) {
        return sessionTurn(session, requireClaimOn(claim, session.key(), session), newItems);
    }

    // ---------------------------------------------------------------- head turns

    /**
     * Sends {@code newItems} chained to the conversation's head ({@code previous_response_id}) and advances the head
     * to the model's response, if the head did not move meanwhile; otherwise redoes the turn from the new head.
     *
     * @throws RetriesExhaustedException if every attempt lost a conflict (its cause is the last
     *                                   {@link HeadConflictException})
     * @throws ClaimHeldException    if another worker holds a live claim on the conversation
     */
    public HeadTurn runTurn(FencedHead head, List<ResponseInputItem> newItems) {
        return headTurn(head, null, newItems);
    }

    /**
     * {@link #runTurn(FencedHead, List)} under {@code claim}.
     *
     * @throws FencedWriteException if the claim was reclaimed or revoked, before or during the turn (never retried)
     */
    public HeadTurn runTurn(FencedHead head, Claim claim, List<ResponseInputItem> newItems) {
        return headTurn(head, requireClaimOn(claim, head.key(), head), newItems);
    }

    // ---------------------------------------------------------------- the loops

    private SessionTurn sessionTurn(FencedSession session, @Nullable Claim claim, List<ResponseInputItem> newItems) {
        List<ResponseInputItem> input = copyOf(newItems);
        SessionView first = session.read();
        return retrier.call(session.key(), execution -> {
            // Each retry starts from the session the conflict found, and checks the claim before a model call.
            SessionView view = execution.lastConflict() instanceof SessionConflictException moved ? moved.current()
                    : first;
            if (claim != null) {
                view = session.verify(claim, view);
            }
            List<ResponseInputItem> prompt = new ArrayList<>(view.items());
            prompt.addAll(input);
            Response response = client.responses().create(params(prompt, null));
            List<ResponseInputItem> added = new ArrayList<>(input);
            added.addAll(ResponseItems.toInputItems(response));
            SessionView after = claim == null ? session.addItems(view, added) : session.addItems(claim, view, added);
            return new SessionTurn(response, added, after, execution.attempt());
        });
    }

    private HeadTurn headTurn(FencedHead head, @Nullable Claim claim, List<ResponseInputItem> newItems) {
        List<ResponseInputItem> input = copyOf(newItems);
        HeadView first = head.read();
        return retrier.call(head.key(), execution -> {
            HeadView view = execution.lastConflict() instanceof HeadConflictException moved ? moved.current() : first;
            if (claim != null) {
                view = head.verify(claim, view);
            }
            Response response = client.responses().create(params(input, view.responseId().orElse(null)));
            HeadView after = claim == null ? head.advance(view, response.id())
                    : head.advance(claim, view, response.id());
            return new HeadTurn(response, after, execution.attempt());
        });
    }

    private ResponseCreateParams params(List<ResponseInputItem> input, @Nullable String previousResponseId) {
        ResponseCreateParams.Builder builder = ResponseCreateParams.builder();
        request.accept(builder);
        // Set last, so that a request customizer cannot change which state the model sees: the turn is fenced on the
        // session or head it read, so the model must see exactly that. A previous_response_id or conversation left
        // by the customizer would add server-side history outside the fence (and in head mode fork the chain).
        // Absent rather than null, so the request body carries only what the turn sends.
        builder.removeAllAdditionalBodyProperties(RUNNER_OWNED_FIELDS)
                .model(model)
                .inputOfResponse(input)
                .previousResponseId(previousResponseId == null ? absent() : JsonField.of(previousResponseId))
                .conversation(absent());
        return builder.build();
    }

    @SuppressWarnings("unchecked")
    private static <T> JsonField<T> absent() {
        // JsonMissing is the SDK's "field not set"; Kotlin's covariance does not carry over to Java's generics.
        return (JsonField<T>) (JsonField<?>) JsonMissing.of();
    }

    private static Claim requireClaimOn(Claim claim, String key, Object target) {
        Objects.requireNonNull(claim, "claim");
        if (!claim.key().equals(key)) {
            // Checked before anything else: a foreign claim's epoch says nothing about this key, so it would either
            // pass as "fenced" (and stop a healthy worker) or cost a model call before the commit refused it.
            throw new IllegalArgumentException("the claim is for key '" + Keys.printable(claim.key()) + "', not for "
                    + target);
        }
        return claim;
    }

    private static List<ResponseInputItem> copyOf(List<ResponseInputItem> items) {
        Objects.requireNonNull(items, "newItems");
        for (ResponseInputItem item : items) {
            Objects.requireNonNull(item, "newItems must not contain null");
        }
        return List.copyOf(items);
    }

    /** Builds an {@link AgentTurnRunner}; only the client and the model are required. */
    public static final class Builder {

        private final OpenAIClient client;
        private @Nullable String model;
        private Consumer<ResponseCreateParams.Builder> request = builder -> { };
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT.withMaxAttempts(3);
        private Retrier.@Nullable Sleeper sleeper;
        private @Nullable RandomGenerator jitterRandom;

        private Builder(OpenAIClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** The model every turn uses, e.g. {@code gpt-4.1}. Required. */
        public Builder model(String model) {
            Objects.requireNonNull(model, "model");
            if (model.isBlank()) {
                throw new IllegalArgumentException("model must not be blank");
            }
            this.model = model;
            return this;
        }

        /**
         * Sets the rest of each request (instructions, tools, temperature, ...). The runner then sets {@code model},
         * {@code input} and {@code previous_response_id} itself (the head in head mode; none in session mode and for a
         * new conversation) and leaves out {@code conversation}, overriding whatever this set, as typed fields or as
         * additional body properties: the model must see exactly the fenced state the turn read, and no server-side
         * history besides it.
         */
        public Builder request(Consumer<ResponseCreateParams.Builder> request) {
            this.request = Objects.requireNonNull(request, "request");
            return this;
        }

        /**
         * How many model calls a turn may make in all, and the backoff between them; default
         * {@link RetryPolicy#DEFAULT} with 3 attempts (each retry costs a model call).
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** How to wait between attempts; tests pass one that does not sleep. */
        public Builder sleeper(Retrier.Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** A random source for backoff jitter; by default each thread's own. */
        public Builder jitterRandom(RandomGenerator random) {
            this.jitterRandom = Objects.requireNonNull(random, "random");
            return this;
        }

        /** @throws IllegalStateException if no model was set */
        public AgentTurnRunner build() {
            if (model == null) {
                throw new IllegalStateException("AgentTurnRunner needs a model: call model(\"...\") before build()");
            }
            return new AgentTurnRunner(this);
        }
    }
}
