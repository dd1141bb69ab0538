package dev.fencedstate.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.CorruptStateException;
import dev.fencedstate.UnsupportedFormatException;
import dev.fencedstate.spi.StoredRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordFormatTest {

    private static final StoredRecord FULL = new StoredRecord("plans/42", 7, 5, 3, "value".getBytes(UTF_8), "holder",
            Instant.parse("2030-01-01T00:00:30.123456789Z"), "writer", Instant.parse("2030-01-01T00:00:00Z"),
            "commit-id");
    private static final StoredRecord SPARSE = new StoredRecord("k", 1, 0, 1, null, null, null, null, null, null);

    @Test
    void roundTripsEveryField() {
        for (StoredRecord record : new StoredRecord[] {FULL, SPARSE}) {
            byte[] bytes = RecordFormat.encode(record);
            assertThat(RecordFormat.decode(bytes, record.key(), "test")).isEqualTo(record);
        }
    }

    @Test
    void everyTruncationIsCorruptNeverAWrongRecord() {
        byte[] bytes = RecordFormat.encode(FULL);
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = java.util.Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> RecordFormat.decode(truncated, "plans/42", "test"))
                    .as("truncated to %d bytes", length).isInstanceOf(CorruptStateException.class);
        }
    }

    @Test
    void everySingleBitFlipIsDetected() {
        byte[] bytes = RecordFormat.encode(FULL);
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] flipped = bytes.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            int flippedBit = bit;
            assertThatThrownBy(() -> RecordFormat.decode(flipped, "plans/42", "test"))
                    .as("bit %d flipped", flippedBit)
                    .isInstanceOfAny(CorruptStateException.class, UnsupportedFormatException.class);
        }
    }

    @Test
    void aNewerFormatIsRefusedClearly() {
        byte[] bytes = RecordFormat.encode(FULL);
        bytes[4] = 0;
        bytes[5] = 2;
        assertThatThrownBy(() -> RecordFormat.decode(bytes, "plans/42", "/state/records/x.rec"))
                .isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("format version 2")
                .hasMessageContaining("upgrade fencedstate");
    }

    @Test
    void aRecordOfAnotherKeyIsCorrupt() {
        byte[] bytes = RecordFormat.encode(FULL);
        assertThatThrownBy(() -> RecordFormat.decode(bytes, "plans/43", "test"))
                .isInstanceOf(CorruptStateException.class).hasMessageContaining("another key");
    }

    @Test
    void foreignFilesAreCorrupt() {
        assertThatThrownBy(() -> RecordFormat.decode("{\"json\": true, \"padding\": 1234}".getBytes(UTF_8), "k", "t"))
                .isInstanceOf(CorruptStateException.class).hasMessageContaining("bad magic");
    }
}
