package dev.fencedstate.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsTableTest {

    private static final String HEADER =
            "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\",\"Unit\",\"Param: valueBytes\"";

    private static String row(String benchmark, int threads, double score, String error, int size) {
        return "\"dev.fencedstate.benchmarks." + benchmark + "\",\"thrpt\"," + threads + ",5," + score + "," + error
                + ",\"ops/s\"," + size;
    }

    @Test
    void costRatioIsNaiveThroughputOverFencedThroughputWithErrorsInQuadrature() {
        ResultsTable table = ResultsTable.parse(List.of(HEADER,
                row("SingleWriterBenchmark.fencedCommit", 1, 100.0, "10.0", 256),
                row("SingleWriterBenchmark.naiveWriteDirSync", 1, 120.0, "12.0", 256),
                row("SingleWriterBenchmark.naiveWriteNoDirSync", 1, 200.0, "NaN", 256)));

        String ratio = ResultsTable.costRatio(table.find("SingleWriterBenchmark.fencedCommit", 256),
                table.find("SingleWriterBenchmark.naiveWriteDirSync", 256));
        String ratioWithoutError = ResultsTable.costRatio(table.find("SingleWriterBenchmark.fencedCommit", 256),
                table.find("SingleWriterBenchmark.naiveWriteNoDirSync", 256));

        // 120/100 = 1.2; relative errors 0.1 and 0.1 give 1.2 * sqrt(0.02) = 0.17
        assertThat(ratio).isEqualTo("1.20× ± 0.17");
        assertThat(ratioWithoutError).isEqualTo("2.00×");
    }

    @Test
    void printsOneLinePerThreadCountAndSizeAndTheHotKeyRatios() {
        ResultsTable table = ResultsTable.parse(List.of(HEADER,
                row("SingleWriterBenchmark.fencedCommit", 1, 100.0, "10.0", 256),
                row("SingleWriterBenchmark.naiveWriteDirSync", 1, 110.0, "10.0", 256),
                row("EightWritersBenchmark.fencedCommit", 8, 400.0, "40.0", 65536),
                row("EightWritersBenchmark.naiveWriteDirSync", 8, 400.0, "40.0", 65536),
                row("HotKeyBenchmark.fencedUpdate", 8, 250.0, "20.0", 256),
                row("HotKeyBenchmark.fencedUpdate:commits", 8, 1000.0, "NaN", 256),
                row("HotKeyBenchmark.fencedUpdate:conflicts", 8, 1500.0, "NaN", 256),
                row("HotKeyBenchmark.fencedUpdate:gaveUp", 8, 3.0, "NaN", 256),
                row("HotKeyBenchmark.naiveReadModifyWrite", 8, 900.0, "90.0", 256)));

        String printed = print(table);

        assertThat(printed).contains("| 1 | 256 B | 100 ± 10.0 ops/s | 110 ± 10.0 ops/s | – | **1.10× ± 0.15** |")
                .contains("| 8 | 64 KiB | 400 ± 40.0 ops/s | 400 ± 40.0 ops/s | – | **1.00× ± 0.14** |")
                .contains("| | 256 B | 250 ± 20.0 ops/s | 1.50 | 3 of 1003 | 900 ± 90.0 ops/s |");
    }

    @Test
    void refusesAFileThatIsNotJmhCsv() {
        assertThatThrownBy(() -> ResultsTable.parse(List.of("{\"json\": true}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-rf csv");
    }

    private static String print(ResultsTable table) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        table.printDurableWrites(out);
        table.printHotKey(out);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
