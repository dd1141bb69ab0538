package dev.fencedstate.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Turns a JMH CSV result file ({@code -rf csv -rff FILE}) into the Markdown tables of the README, with the ratio
 * fenced/naive computed per thread count and value size. Optionally reads the JMH console log too, for the
 * {@code HOT-KEY} lines (lost increments are known only at the end of a trial, so they are printed, not scored).
 *
 * <pre>java -cp benchmarks.jar dev.fencedstate.benchmarks.ResultsTable results.csv [jmh-console.log]</pre>
 *
 * <p>The cost ratio of the fenced commit to a naive write is {@code naive ops/s / fenced ops/s}: for one writer, the
 * time of a fenced commit divided by the time of a naive write. Its error combines the two scores' relative 99.9%
 * confidence half-widths in quadrature (a first-order estimate that assumes independent errors).
 */
public final class ResultsTable {

    private static final String PACKAGE = "dev.fencedstate.benchmarks.";

    /** One row of JMH's CSV. {@code error} is NaN when JMH had too few samples to give one. */
    record Row(String benchmark, int threads, int samples, double score, double error, String unit,
            int valueBytes) {
    }

    private final List<Row> rows;

    ResultsTable(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: java -cp benchmarks.jar " + ResultsTable.class.getName()
                    + " results.csv [jmh-console.log]");
            System.exit(2);
        }
        ResultsTable table = parse(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8));
        table.printDurableWrites(System.out);
        System.out.println();
        table.printHotKey(System.out);
        if (args.length == 2) {
            System.out.println();
            for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
                int at = line.indexOf("HOT-KEY ");
                if (at >= 0) {
                    System.out.println("- " + line.substring(at));
                }
            }
        }
    }

    static ResultsTable parse(List<String> csvLines) {
        if (csvLines.isEmpty() || !csvLines.get(0).startsWith("\"Benchmark\"")) {
            throw new IllegalArgumentException("not a JMH CSV result file (run JMH with -rf csv -rff FILE)");
        }
        List<String> header = fields(csvLines.get(0));
        int sizeColumn = header.indexOf("Param: valueBytes");
        List<Row> rows = new ArrayList<>();
        for (String line : csvLines.subList(1, csvLines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = fields(line);
            String name = f.get(0).startsWith(PACKAGE) ? f.get(0).substring(PACKAGE.length()) : f.get(0);
            rows.add(new Row(name, Integer.parseInt(f.get(2)), Integer.parseInt(f.get(3)), number(f.get(4)),
                    number(f.get(5)), f.get(6), sizeColumn < 0 ? 0 : Integer.parseInt(f.get(sizeColumn))));
        }
        return new ResultsTable(rows);
    }

    Optional<Row> find(String benchmark, int valueBytes) {
        return rows.stream().filter(r -> r.benchmark().equals(benchmark) && r.valueBytes() == valueBytes)
                .findFirst();
    }

    void printDurableWrites(PrintStream out) {
        out.println("| writers | value | fenced commit | naive + dir fsync | naive, no dir fsync "
                + "| **fenced / naive + dir fsync** | fenced / naive, no dir fsync | fenced commit, in memory |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (String benchmarkClass : List.of("SingleWriterBenchmark", "EightWritersBenchmark")) {
            for (int size : sizes()) {
                Optional<Row> fenced = find(benchmarkClass + ".fencedCommit", size);
                Optional<Row> naiveSync = find(benchmarkClass + ".naiveWriteDirSync", size);
                Optional<Row> naiveNoSync = find(benchmarkClass + ".naiveWriteNoDirSync", size);
                Optional<Row> memory = find(benchmarkClass + ".fencedCommitInMemory", size);
                if (fenced.isEmpty() && naiveSync.isEmpty() && naiveNoSync.isEmpty() && memory.isEmpty()) {
                    continue;
                }
                int threads = firstPresent(fenced, naiveSync, naiveNoSync, memory).threads();
                out.println("| " + threads + " | " + size(size) + " | " + score(fenced) + " | " + score(naiveSync)
                        + " | " + score(naiveNoSync) + " | **" + costRatio(fenced, naiveSync) + "** | "
                        + costRatio(fenced, naiveNoSync) + " | " + score(memory) + " |");
            }
        }
    }

    void printHotKey(PrintStream out) {
        out.println("| 8 threads, one key | value | fenced update: goodput (commits/s) | conflicts per commit "
                + "| updates that exhausted the retry policy | naive read-modify-write: writes/s (lost ones included) |");
        out.println("|---|---|---|---|---|---|");
        for (int size : sizes()) {
            Optional<Row> fenced = find("HotKeyBenchmark.fencedUpdate", size);
            Optional<Row> naive = find("HotKeyBenchmark.naiveReadModifyWrite", size);
            if (fenced.isEmpty() && naive.isEmpty()) {
                continue;
            }
            Optional<Row> commits = find("HotKeyBenchmark.fencedUpdate:commits", size);
            Optional<Row> conflicts = find("HotKeyBenchmark.fencedUpdate:conflicts", size);
            Optional<Row> gaveUp = find("HotKeyBenchmark.fencedUpdate:gaveUp", size);
            String perCommit = commits.isPresent() && conflicts.isPresent() && commits.get().score() > 0
                    ? String.format(Locale.ROOT, "%.2f", conflicts.get().score() / commits.get().score()) : "–";
            String exhausted = gaveUp.isPresent() && commits.isPresent()
                    ? String.format(Locale.ROOT, "%.0f of %.0f", gaveUp.get().score(),
                            gaveUp.get().score() + commits.get().score()) : "–";
            out.println("| | " + size(size) + " | " + score(fenced) + " | " + perCommit + " | " + exhausted + " | "
                    + score(naive) + " |");
        }
    }

    private TreeSet<Integer> sizes() {
        TreeSet<Integer> sizes = new TreeSet<>();
        rows.forEach(r -> sizes.add(r.valueBytes()));
        return sizes;
    }

    @SafeVarargs
    private static Row firstPresent(Optional<Row>... candidates) {
        for (Optional<Row> candidate : candidates) {
            if (candidate.isPresent()) {
                return candidate.get();
            }
        }
        throw new IllegalArgumentException("no row");
    }

    static String score(Optional<Row> row) {
        if (row.isEmpty()) {
            return "–";
        }
        Row r = row.get();
        String value = formatScore(r.score());
        return Double.isNaN(r.error()) ? value + " " + r.unit()
                : value + " ± " + formatScore(r.error()) + " " + r.unit();
    }

    /** naive ops/s over fenced ops/s: how many times longer a fenced commit takes than the naive write. */
    static String costRatio(Optional<Row> fenced, Optional<Row> naive) {
        if (fenced.isEmpty() || naive.isEmpty() || fenced.get().score() <= 0) {
            return "–";
        }
        Row f = fenced.get();
        Row n = naive.get();
        double ratio = n.score() / f.score();
        @Nullable Double error = null;
        if (!Double.isNaN(f.error()) && !Double.isNaN(n.error())) {
            error = ratio * Math.hypot(f.error() / f.score(), n.error() / n.score());
        }
        return error == null ? String.format(Locale.ROOT, "%.2f×", ratio)
                : String.format(Locale.ROOT, "%.2f× ± %.2f", ratio, error);
    }

    private static String formatScore(double value) {
        if (value >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String size(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    private static double number(String field) {
        return field.equals("NaN") || field.isEmpty() ? Double.NaN : Double.parseDouble(field);
    }

    /** Splits one CSV line; JMH quotes text fields and never puts a quote inside one. */
    private static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
