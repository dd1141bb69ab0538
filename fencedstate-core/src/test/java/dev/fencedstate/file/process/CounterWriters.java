package dev.fencedstate.file.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parent's side of {@link CounterWriterMain}: starts the writer processes, lets them all go at once, and collects
 * what each acknowledged, for the tests that race writer processes on shared counters.
 */
final class CounterWriters {

    private CounterWriters() {
    }

    /** What the writers reported: every value acknowledged per key, the keys each writer committed to, and counts. */
    record Results(Map<String, List<Long>> acknowledgedValues, Map<String, Set<String>> keysByWriter, long conflicts,
            long gaveUp) {

        long acknowledged() {
            return acknowledgedValues.values().stream().mapToLong(List::size).sum();
        }
    }

    /**
     * Starts {@code processes} writers of {@code threads} threads, each making {@code operations} updates over
     * {@code keys}; once all are ready, runs {@code beforeGo}, then lets them go and collects their reports.
     */
    static Results race(String name, Path directory, int processes, int threads, int operations, List<String> keys,
            Duration startTimeout, Duration runTimeout, Runnable beforeGo) {
        Map<String, List<Long>> acknowledgedValues = new LinkedHashMap<>();
        keys.forEach(key -> acknowledgedValues.put(key, new ArrayList<>()));
        Map<String, Set<String>> keysByWriter = new LinkedHashMap<>();
        long conflicts = 0;
        long gaveUp = 0;
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int p = 0; p < processes; p++) {
                children.add(ChildJvm.start(name + "-" + p, CounterWriterMain.class, directory.toString(),
                        "writer-" + p, Integer.toString(threads), Integer.toString(operations),
                        String.join(",", keys)));
            }
            for (ChildJvm child : children) {
                child.expect("READY", startTimeout);
            }
            beforeGo.run();
            // All processes are up before any starts writing, so they really race instead of taking turns.
            children.forEach(child -> child.send("GO"));

            long deadline = System.nanoTime() + runTimeout.toNanos();
            for (ChildJvm child : children) {
                Set<String> keysHere = new LinkedHashSet<>();
                String[] line;
                do {
                    line = child.nextLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))).split(" ");
                    switch (line[0]) {
                        case "ACK" -> {
                            acknowledgedValues.get(line[1]).add(Long.parseLong(line[2]));
                            keysHere.add(line[1]);
                        }
                        case "GAVEUP" -> gaveUp++;
                        case "CONFLICTS" -> conflicts += Long.parseLong(line[1]);
                        case "DONE" -> { }
                        default -> throw child.failure("unexpected line '" + String.join(" ", line) + "'");
                    }
                } while (!line[0].equals("DONE"));
                child.awaitSuccess(Duration.ofSeconds(10));
                keysByWriter.put(child.name(), keysHere);
            }
        } finally {
            children.forEach(ChildJvm::close);
        }
        return new Results(acknowledgedValues, keysByWriter, conflicts, gaveUp);
    }
}
