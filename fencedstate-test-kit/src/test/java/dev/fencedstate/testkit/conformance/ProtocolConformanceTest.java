package dev.fencedstate.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.file.FileStorage;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.testkit.ManualClock;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("FencedStore conforms to the TLA+ model of the protocol")
class ProtocolConformanceTest {

    private static final long SEED = 20301;

    @Test
    @DisplayName("over InMemoryStorage, in thousands of random behaviours")
    void inMemory() {
        ManualClock clock = ManualClock.create();

        ConformanceReport report = ProtocolConformance.check(new InMemoryStorage(clock), clock, SEED, 3000);

        System.out.println("conformance over memory: " + report);
        assertReachedEveryOutcome(report);
    }

    @Test
    @DisplayName("over FileStorage in a temporary directory")
    void files(@TempDir Path directory) {
        ManualClock clock = ManualClock.create();

        ConformanceReport report = ProtocolConformance.check(
                () -> FileStorage.builder(directory).clock(clock).build(), clock, SEED, 150);

        System.out.println("conformance over files: " + report);
        assertReachedEveryOutcome(report);
    }

    @Test
    @DisplayName("the same seed replays the same behaviours, so a printed seed reproduces a failure")
    void seedReplays() {
        ManualClock first = ManualClock.create();
        ManualClock second = ManualClock.create();

        ConformanceReport one = ProtocolConformance.check(new InMemoryStorage(first), first, 99, 200);
        ConformanceReport two = ProtocolConformance.check(new InMemoryStorage(second), second, 99, 200);
        ConformanceReport other = ProtocolConformance.check(new InMemoryStorage(second), second, 100, 200);

        assertThat(two).isEqualTo(one);
        assertThat(other.outcomes()).isNotEqualTo(one.outcomes());
    }

    /** The behaviours must reach every outcome the spec has, or the run proves less than it claims. */
    static void assertReachedEveryOutcome(ConformanceReport report) {
        for (ProtocolModel.Kind kind : ProtocolModel.Kind.values()) {
            assertThat(report.count(kind.name())).as("operations that ended %s", kind).isPositive();
        }
        assertThat(report.interleavedOperations()).as("operations run between a read and its compare-and-set")
                .isPositive();
    }
}
