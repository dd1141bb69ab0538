package dev.fencedstate.spring.boot.hotkey;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fires a fixed number of POSTs at one plan from a fixed number of concurrent clients, each with its own HTTP client,
 * spread over one or more servers on the loopback address. Bounded in count and time; it stops by itself.
 */
final class HotKeyLoad {

    /** One answered request. */
    record Answer(int request, String step, int server, int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** Every answer, and what the servers say is stored afterwards. */
    record Result(List<Answer> answers, long nanos) {
        List<Answer> failed() {
            return answers.stream().filter(answer -> !answer.ok()).toList();
        }

        List<String> acknowledgedSteps() {
            return answers.stream().filter(Answer::ok).map(Answer::step).toList();
        }
    }

    private HotKeyLoad() {
    }

    /**
     * Sends {@code requests} POSTs of step {@code <prefix>-<i>} to plan {@code plan} from {@code clients} clients at
     * once (a latch starts them together), request {@code i} to server {@code i % ports.size()}.
     */
    static Result run(List<Integer> ports, String plan, String prefix, int requests, int clients) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Answer> answers = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long started;
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                    start.await();
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        int server = i % ports.size();
                        String step = prefix + "-" + i;
                        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + ports.get(server) + "/plans/" + plan + "/steps"))
                                .header("Content-Type", "text/plain").timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofString(step)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        answers.add(new Answer(i, step, server, response.statusCode(), response.body()));
                    }
                    return null;
                }));
            }
            started = System.nanoTime();
            start.countDown();
            for (Future<?> future : done) {
                future.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(List.copyOf(answers), System.nanoTime() - started);
    }

    /** The steps the plan holds, as server {@code port} reads it. */
    static List<String> storedSteps(int port, String plan) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/plans/" + plan)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /plans/" + plan + " answered " + response.statusCode());
        }
        JsonNode steps = JsonMapper.shared().readTree(response.body()).get("steps");
        return steps.valueStream().map(JsonNode::asString).toList();
    }
}
