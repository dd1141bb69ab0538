package dev.fencedstate.samples.agents;

import java.util.Map;
import java.util.TreeMap;

/** Every worker's result, by worker name: the key all six workers write at the same moment. */
public record ResultBoard(Map<String, String> results) {

    public ResultBoard {
        results = Map.copyOf(results);
    }

    public static ResultBoard empty() {
        return new ResultBoard(Map.of());
    }

    public ResultBoard with(String worker, String result) {
        Map<String, String> next = new TreeMap<>(results);
        next.put(worker, result);
        return new ResultBoard(next);
    }
}
