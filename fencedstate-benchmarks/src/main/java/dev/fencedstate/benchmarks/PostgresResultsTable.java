package dev.fencedstate.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The Markdown tables of the README's PostgreSQL section, from a JMH run of the PostgreSQL benchmarks (printed by
 * {@link PostgresBenchmarks} at the end of its run). Throughput ratios are fenced ops/s ÷ other ops/s (above 1: fencedstate is faster), with an error that combines the
 * two scores' relative 99.9% confidence half-widths in quadrature (first order, independent errors assumed).
 */
public final class PostgresResultsTable {

    private static final String PACKAGE = "dev.fencedstate.benchmarks.";

    private final ResultsTable rows;
    private final TreeSet<Integer> sizes = new TreeSet<>();

    PostgresResultsTable(List<ResultsTable.Row> rows) {
        this.rows = new ResultsTable(rows);
        rows.forEach(row -> sizes.add(row.valueBytes()));
    }

    /** The rows of a run: one per benchmark and value size, plus one per secondary result ({@code name:counter}). */
    static PostgresResultsTable of(Collection<RunResult> results) {
        List<ResultsTable.Row> rows = new ArrayList<>();
        for (RunResult run : results) {
            String name = run.getParams().getBenchmark();
            name = name.startsWith(PACKAGE) ? name.substring(PACKAGE.length()) : name;
            String size = run.getParams().getParam("valueBytes");
            int valueBytes = size == null ? 0 : Integer.parseInt(size);
            int threads = run.getParams().getThreads();
            rows.add(row(name, threads, valueBytes, run.getPrimaryResult()));
            for (var secondary : run.getSecondaryResults().entrySet()) {
                rows.add(row(name + ":" + secondary.getKey(), threads, valueBytes, secondary.getValue()));
            }
        }
        return new PostgresResultsTable(rows);
    }

    private static ResultsTable.Row row(String name, int threads, int valueBytes, Result<?> result) {
        return new ResultsTable.Row(name, threads, (int) result.getSampleCount(), result.getScore(),
                result.getScoreError(), result.getScoreUnit(), valueBytes);
    }

    void print(PrintStream out) {
        out.println("| writers | value | fenced commit (read + commit) | bare read + UPDATE ... WHERE version = ? "
                + "| **fenced / bare** (target ≥ 0.9) |");
        out.println("|---|---|---|---|---|");
        for (String benchmarkClass : List.of("PostgresSingleWriterBenchmark", "PostgresEightWritersBenchmark")) {
            for (int size : sizes) {
                Optional<ResultsTable.Row> fenced = rows.find(benchmarkClass + ".fencedCommit", size);
                Optional<ResultsTable.Row> bare = rows.find(benchmarkClass + ".bareUpdate", size);
                if (fenced.isEmpty() && bare.isEmpty()) {
                    continue;
                }
                int threads = fenced.or(() -> bare).orElseThrow().threads();
                out.println("| " + threads + " | " + size(size) + " | " + ResultsTable.score(fenced) + " | "
                        + ResultsTable.score(bare) + " | **" + ratio(fenced, bare) + "** |");
            }
        }
        out.println();
        out.println("| 8 writers, one key | value | fenced update: goodput | conflicts per commit | updates that "
                + "exhausted the retry policy | lock registry, a client per writer | lock registry, one client "
                + "| **fenced / client per writer** (target ≥ 3) | fenced / one client |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        String hot = "PostgresHotKeyBenchmark.";
        for (int size : sizes) {
            Optional<ResultsTable.Row> fenced = rows.find(hot + "fencedUpdate", size);
            Optional<ResultsTable.Row> perWriter = rows.find(hot + "lockRegistryClientPerWriter", size);
            Optional<ResultsTable.Row> oneClient = rows.find(hot + "lockRegistryOneClient", size);
            if (fenced.isEmpty() && perWriter.isEmpty() && oneClient.isEmpty()) {
                continue;
            }
            Optional<ResultsTable.Row> commits = rows.find(hot + "fencedUpdate:commits", size);
            Optional<ResultsTable.Row> conflicts = rows.find(hot + "fencedUpdate:conflicts", size);
            Optional<ResultsTable.Row> gaveUp = rows.find(hot + "fencedUpdate:gaveUp", size);
            String perCommit = commits.isPresent() && conflicts.isPresent() && commits.get().score() > 0
                    ? String.format(Locale.ROOT, "%.2f", conflicts.get().score() / commits.get().score()) : "–";
            String exhausted = gaveUp.isPresent() && commits.isPresent()
                    ? String.format(Locale.ROOT, "%.0f of %.0f", gaveUp.get().score(),
                            gaveUp.get().score() + commits.get().score()) : "–";
            out.println("| | " + size(size) + " | " + ResultsTable.score(fenced) + " | " + perCommit + " | "
                    + exhausted + " | " + ResultsTable.score(perWriter) + " | " + ResultsTable.score(oneClient)
                    + " | **" + ratio(fenced, perWriter) + "** | " + ratio(fenced, oneClient) + " |");
        }
    }

    /** Throughput of {@code fenced} over that of {@code other}: above 1, fencedstate does more per second. */
    static String ratio(Optional<ResultsTable.Row> fenced, Optional<ResultsTable.Row> other) {
        if (fenced.isEmpty() || other.isEmpty() || other.get().score() <= 0) {
            return "–";
        }
        ResultsTable.Row f = fenced.get();
        ResultsTable.Row o = other.get();
        double ratio = f.score() / o.score();
        if (Double.isNaN(f.error()) || Double.isNaN(o.error())) {
            return String.format(Locale.ROOT, "%.2f×", ratio);
        }
        double error = ratio * Math.hypot(f.error() / f.score(), o.error() / o.score());
        return String.format(Locale.ROOT, "%.2f× ± %.2f", ratio, error);
    }

    private static String size(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }
}
