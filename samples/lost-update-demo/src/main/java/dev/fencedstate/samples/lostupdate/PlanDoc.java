package dev.fencedstate.samples.lostupdate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The shared document of the demo: a plan and the results its workers report, stored as one small JSON object,
 * {@code {"plan":"launch-review","results":["...","..."]}}. Every worker rewrites the whole document to add its
 * result, which is exactly what makes a read-modify-write lose updates.
 */
record PlanDoc(String plan, List<String> results) {

    static final String PLAN = "launch-review";

    /** What each of the six workers found; worker {@code i} reports {@code WORKER_RESULTS.get(i)}. */
    static final List<String> WORKER_RESULTS = List.of(
            "worker-1: pricing page has 2 typos",
            "worker-2: 3 broken links in the docs",
            "worker-3: 1 outdated screenshot",
            "worker-4: changelog complete",
            "worker-5: German translation missing",
            "worker-6: legal review approved");

    static final int WORKERS = WORKER_RESULTS.size();

    PlanDoc {
        results = List.copyOf(results);
    }

    /** The document as the planner first writes it, before any worker reported. */
    static PlanDoc dispatched() {
        return new PlanDoc(PLAN, List.of());
    }

    static String workerName(int worker) {
        return "worker-" + (worker + 1);
    }

    /** The results of {@code WORKER_RESULTS} that this document does not hold. */
    List<String> missingResults() {
        return WORKER_RESULTS.stream().filter(result -> !results.contains(result)).toList();
    }

    /** The names of the workers whose results are missing. */
    List<String> missingWorkers() {
        return IntStream.range(0, WORKERS).filter(worker -> !results.contains(WORKER_RESULTS.get(worker)))
                .mapToObj(PlanDoc::workerName).toList();
    }

    /** A copy with {@code result} appended. */
    PlanDoc with(String result) {
        List<String> appended = new ArrayList<>(results);
        appended.add(result);
        return new PlanDoc(plan, appended);
    }

    String toJson() {
        StringBuilder json = new StringBuilder("{\"plan\":").append(quote(plan)).append(",\"results\":[");
        for (int i = 0; i < results.size(); i++) {
            json.append(i == 0 ? "" : ",").append(quote(results.get(i)));
        }
        return json.append("]}").toString();
    }

    byte[] toBytes() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }

    static PlanDoc parse(byte[] json) {
        return parse(new String(json, StandardCharsets.UTF_8));
    }

    /** Reads what {@link #toJson()} writes; anything else is refused with the offending text. */
    static PlanDoc parse(String json) {
        Reader reader = new Reader(json);
        reader.expect("{\"plan\":");
        String plan = reader.string();
        reader.expect(",\"results\":[");
        List<String> results = new ArrayList<>();
        if (!reader.skip("]")) {
            do {
                results.add(reader.string());
            } while (reader.skip(","));
            reader.expect("]");
        }
        reader.expect("}");
        reader.expectEnd();
        return new PlanDoc(plan, results);
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** A cursor over the document's text; knows just the JSON this record writes. */
    private static final class Reader {

        private final String json;
        private int at;

        Reader(String json) {
            this.json = json;
        }

        boolean skip(String token) {
            if (json.startsWith(token, at)) {
                at += token.length();
                return true;
            }
            return false;
        }

        void expect(String token) {
            if (!skip(token)) {
                throw malformed("expected " + token);
            }
        }

        void expectEnd() {
            if (at != json.length()) {
                throw malformed("expected the end of the document");
            }
        }

        String string() {
            expect("\"");
            StringBuilder text = new StringBuilder();
            while (at < json.length()) {
                char c = json.charAt(at++);
                if (c == '"') {
                    return text.toString();
                }
                if (c == '\\' && at < json.length()) {
                    c = json.charAt(at++);
                }
                text.append(c);
            }
            throw malformed("unterminated string");
        }

        private IllegalArgumentException malformed(String problem) {
            return new IllegalArgumentException("Not a plan document (" + problem + " at character " + at + "): "
                    + json);
        }
    }
}
