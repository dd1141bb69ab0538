package dev.fencedstate.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The comparison's bodies run and report, briefly, outside any measurement (the figures mean nothing here). */
class TurnsComparisonTest {

    @Test
    void bothWorkloadsRunAndReportARow() throws Exception {
        assertThat(TurnsComparison.compare("memory", "distinct keys", 2, false, 64, 2, 20))
                .startsWith("| distinct keys | 2 | 64 B | 2 × 20 ms |").contains("updates/s");
        assertThat(TurnsComparison.compare("files", "one hot key", 4, true, 64, 2, 50))
                .startsWith("| one hot key | 4 | 64 B | 2 × 50 ms |").contains("× [");
    }
}
