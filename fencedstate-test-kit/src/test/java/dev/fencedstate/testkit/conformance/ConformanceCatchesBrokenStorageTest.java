package dev.fencedstate.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.spi.ForwardingStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import dev.fencedstate.testkit.ManualClock;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The conformance check has teeth: a backend that breaks the SPI's atomic step makes it fail, naming the seed.
 * (Mutants of FencedStore itself are run by hand, see specs/README.md: core is not ours to mutate here.)
 */
@DisplayName("The conformance check fails on a broken backend")
class ConformanceCatchesBrokenStorageTest {

    private static final long SEED = 7;

    @Test
    @DisplayName("a compare-and-set that does not compare (check and write split) is caught")
    void blindWrite() {
        ManualClock clock = ManualClock.create();
        StateStorage blind = new Forwarding(new InMemoryStorage(clock)) {
            @Override
            public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected, StoredRecord replacement) {
                // Writes whatever is stored now, as if the check made on the earlier read still held.
                StoredRecord current = delegate().read(replacement.key()).record();
                return delegate().compareAndSet(current, replacement);
            }
        };

        assertThatThrownBy(() -> ProtocolConformance.check(blind, clock, SEED, 500))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed " + SEED + ", behaviour ")
                .hasMessageContaining("the steps before it")
                .hasMessageContaining("replay: ProtocolConformance.check(");
    }

    @Test
    @DisplayName("a compare-and-set that reports failure after it wrote is caught")
    void lyingCompareAndSet() {
        ManualClock clock = ManualClock.create();
        StateStorage lying = new Forwarding(new InMemoryStorage(clock)) {
            private int writes;

            @Override
            public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected, StoredRecord replacement) {
                StoredRecord written = delegate().compareAndSet(expected, replacement);
                return written != null && ++writes % 7 == 0 ? null : written;
            }
        };

        assertThatThrownBy(() -> ProtocolConformance.check(lying, clock, SEED, 500))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed " + SEED);
    }

    @Test
    @DisplayName("a backend whose reads miss the latest write is caught")
    void staleReads() {
        ManualClock clock = ManualClock.create();
        StateStorage stale = new Forwarding(new InMemoryStorage(clock)) {
            private @Nullable StoredRecord previous;

            @Override
            public StorageRead read(String key) {
                StorageRead read = delegate().read(key);
                StoredRecord record = read.record();
                // Every third read returns the record before the current one of the same key, like a lagging replica.
                StoredRecord answer = previous != null && previous.key().equals(key) && record != null
                        && record.revision() % 3 == 0 ? previous : record;
                previous = record;
                return new StorageRead(answer, read.now());
            }
        };

        assertThatThrownBy(() -> ProtocolConformance.check(stale, clock, SEED, 500))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed " + SEED);
    }

    private static class Forwarding extends ForwardingStorage {
        Forwarding(StateStorage delegate) {
            super(delegate);
        }

        @Override
        public String describe() {
            return "broken";
        }
    }
}
