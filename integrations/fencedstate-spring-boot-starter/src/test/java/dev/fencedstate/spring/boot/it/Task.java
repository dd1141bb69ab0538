package dev.fencedstate.spring.boot.it;

import java.util.ArrayList;
import java.util.List;

/** The value the integration test's agents write. */
public record Task(String title, List<String> results) {

    public Task {
        results = List.copyOf(results);
    }

    public Task withResult(String result) {
        List<String> next = new ArrayList<>(results);
        next.add(result);
        return new Task(title, next);
    }
}
