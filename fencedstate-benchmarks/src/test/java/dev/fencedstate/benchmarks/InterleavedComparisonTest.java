package dev.fencedstate.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class InterleavedComparisonTest {

    @Test
    void quantilesInterpolateBetweenTheClosestRanks() {
        double[] values = {4, 1, 3, 2};

        assertThat(InterleavedComparison.median(values)).isEqualTo(2.5);
        assertThat(InterleavedComparison.quantile(values, 0.25)).isCloseTo(1.75, within(1e-9));
        assertThat(InterleavedComparison.quantile(values, 1.0)).isEqualTo(4);
        assertThat(values).containsExactly(4, 1, 3, 2);
    }

    @Test
    void geometricMeanOfRatiosIsSymmetricForReciprocals() {
        assertThat(InterleavedComparison.geometricMean(new double[] {2.0, 0.5})).startsWith("1.00× (");
        assertThat(InterleavedComparison.geometricMean(new double[] {1.2, 1.2, 1.2})).isEqualTo("1.20× (1.20–1.20)");
    }
}
