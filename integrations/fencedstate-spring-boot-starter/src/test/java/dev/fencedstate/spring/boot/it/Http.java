package dev.fencedstate.spring.boot.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A tiny HTTP client for the Actuator endpoints of a test server on the loopback address. */
public final class Http {

    public record Response(int status, String body) {
        public JsonNode json() {
            return JsonMapper.shared().readTree(body);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final int port;

    public Http(int port) {
        this.port = port;
    }

    public Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Response post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** The value of one statistic (COUNT, VALUE, TOTAL_TIME...) of a meter from /actuator/metrics. */
    public double statistic(String meterAndTags, String statistic) throws IOException, InterruptedException {
        Response response = get("/actuator/metrics/" + meterAndTags);
        if (response.status() != 200) {
            throw new AssertionError("GET /actuator/metrics/" + meterAndTags + " answered " + response.status()
                    + ": " + response.body());
        }
        for (JsonNode measurement : response.json().get("measurements")) {
            if (measurement.get("statistic").asString().equals(statistic)) {
                return measurement.get("value").asDouble();
            }
        }
        throw new AssertionError("no " + statistic + " in " + response.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }
}
