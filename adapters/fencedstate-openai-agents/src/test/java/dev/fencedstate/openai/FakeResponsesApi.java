package dev.fencedstate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.ObjectMappers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Responses API on loopback, so the real openai-java client is exercised offline: it records each
 * {@code POST /v1/responses} and answers with a canned response the SDK parses. Replies are deterministic:
 * <ul>
 *   <li>last input item a user message starting with {@code weather:} - a {@code function_call} to
 *       {@code get_weather};</li>
 *   <li>last input item a {@code function_call_output} - an assistant message quoting that output;</li>
 *   <li>otherwise - an assistant message {@code reply N to '<last user text>' after K input items}.</li>
 * </ul>
 * A test may install a {@link Gate} that runs on the server thread before each reply, to hold a model call while the
 * test forces an interleaving (the client is blocked waiting, exactly like a slow model).
 */
final class FakeResponsesApi implements AutoCloseable {

    /** Runs before each reply, on the server's thread; may block (with a bounded wait) to hold the caller. */
    @FunctionalInterface
    interface Gate {
        void beforeReply(Call call) throws Exception;
    }

    /** One recorded request. */
    record Call(int number, String responseId, JsonNode body) {

        /** The text of the last user message in the input, or "" if none. */
        String lastUserText() {
            String last = "";
            for (JsonNode item : input()) {
                if ("user".equals(item.path("role").asText())) {
                    last = textOf(item);
                }
            }
            return last;
        }

        /** "role: text" for every message in the input, and "type" for every other item. */
        List<String> inputSummary() {
            List<String> summary = new ArrayList<>();
            for (JsonNode item : input()) {
                summary.add(item.has("role") ? item.get("role").asText() + ": " + textOf(item)
                        : item.path("type").asText());
            }
            return summary;
        }

        List<JsonNode> input() {
            List<JsonNode> items = new ArrayList<>();
            body.path("input").forEach(items::add);
            return items;
        }

        Optional<String> previousResponseId() {
            JsonNode previous = body.get("previous_response_id");
            return previous == null || previous.isNull() ? Optional.empty() : Optional.of(previous.asText());
        }
    }

    private static final JsonMapper JSON = ObjectMappers.jsonMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger counter = new AtomicInteger();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Gate gate = call -> { };

    private FakeResponsesApi(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static FakeResponsesApi start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // One thread per request, so a gated (held) call never blocks another worker's call.
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fake-openai");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        FakeResponsesApi api = new FakeResponsesApi(server, executor);
        server.createContext("/v1/responses", api::handle);
        server.start();
        return api;
    }

    /** The base URL to give openai-java: {@code http://127.0.0.1:PORT/v1}. */
    String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort()
                + "/v1";
    }

    /** A real openai-java client pointed at this server, with a dummy key and no SDK-level retries. */
    OpenAIClient client() {
        return clientFor(baseUrl());
    }

    static OpenAIClient clientFor(String baseUrl) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("sk-offline-test").maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    void gate(Gate gate) {
        this.gate = gate;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> callsWithLastUserText(String text) {
        return calls.stream().filter(call -> call.lastUserText().equals(text)).toList();
    }

    /** Stops the server and its threads; a held (gated) call is interrupted and answered with an error. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the fake Responses API's threads did not stop within 30 s");
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, "{\"error\":{\"message\":\"method not allowed\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                body = JSON.readTree(in);
            }
            int number = counter.incrementAndGet();
            Call call = new Call(number, "resp_" + number, body);
            calls.add(call);
            try {
                gate.beforeReply(call);
            } catch (Exception held) {
                reply(exchange, 500, "{\"error\":{\"message\":\"gate failed: " + held + "\",\"type\":\"server_error\"}}");
                return;
            }
            reply(exchange, 200, JSON.writeValueAsString(responseFor(call)));
        }
    }

    private static ObjectNode responseFor(Call call) {
        ObjectNode response = JSON.createObjectNode();
        response.put("id", call.responseId());
        response.put("object", "response");
        response.put("created_at", 1_767_225_600L + call.number());
        response.put("status", "completed");
        response.put("model", call.body().path("model").asText("unknown"));
        call.previousResponseId().ifPresentOrElse(id -> response.put("previous_response_id", id),
                () -> response.putNull("previous_response_id"));
        ArrayNode output = response.putArray("output");
        List<JsonNode> input = call.input();
        JsonNode last = input.isEmpty() ? JSON.createObjectNode() : input.get(input.size() - 1);
        String lastUser = call.lastUserText();
        if ("function_call_output".equals(last.path("type").asText())) {
            message(output, call.number(), "the tool said " + last.path("output").asText());
        } else if ("user".equals(last.path("role").asText()) && lastUser.startsWith("weather:")) {
            ObjectNode functionCall = output.addObject();
            functionCall.put("type", "function_call");
            functionCall.put("id", "fc_" + call.number());
            functionCall.put("call_id", "call_" + call.number());
            functionCall.put("name", "get_weather");
            functionCall.put("arguments", "{\"city\":\"" + lastUser.substring("weather:".length()).trim() + "\"}");
            functionCall.put("status", "completed");
        } else {
            message(output, call.number(),
                    "reply " + call.number() + " to '" + lastUser + "' after " + input.size() + " input items");
        }
        response.put("parallel_tool_calls", true);
        response.put("tool_choice", "auto");
        response.putArray("tools");
        response.putNull("error");
        response.putNull("incomplete_details");
        response.putNull("instructions");
        response.putObject("metadata");
        response.put("temperature", 1.0);
        response.put("top_p", 1.0);
        return response;
    }

    private static void message(ArrayNode output, int number, String text) {
        ObjectNode message = output.addObject();
        message.put("type", "message");
        message.put("id", "msg_" + number);
        message.put("status", "completed");
        message.put("role", "assistant");
        ObjectNode content = message.putArray("content").addObject();
        content.put("type", "output_text");
        content.put("text", text);
        content.putArray("annotations");
    }

    private static String textOf(JsonNode message) {
        JsonNode content = message.path("content");
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        content.forEach(part -> text.append(part.path("text").asText()));
        return text.toString();
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
