package dev.fencedstate.file;

import dev.fencedstate.CorruptStateException;
import dev.fencedstate.UnsupportedFormatException;
import dev.fencedstate.spi.StoredRecord;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The on-disk format of one record, version {@value #VERSION}:
 * <pre>
 *   magic "FSTR" | u16 format version | u32 body length | body | u32 CRC32C of everything before it
 *   body: str key | i64 revision | i64 version | i64 epoch | u8 flags
 *         [str holder | instant leaseDeadline] [str lastWriter] [instant lastCommitAt] [str lastCommitId]
 *         [u32 value length | value bytes]
 *   str = u16 length + UTF-8 bytes; instant = i64 epoch seconds + i32 nanos
 * </pre>
 * The length and checksum make a truncated or damaged file a {@link CorruptStateException}, never a wrong value.
 * A newer format version is refused with {@link UnsupportedFormatException}; a reader only reads versions it knows.
 */
final class RecordFormat {

    static final int VERSION = 1;

    private static final byte[] MAGIC = {'F', 'S', 'T', 'R'};
    private static final int HEADER_BYTES = MAGIC.length + 2 + 4;
    private static final int CRC_BYTES = 4;

    private static final int HAS_VALUE = 1;
    private static final int HAS_HOLDER = 1 << 1;
    private static final int HAS_LAST_WRITER = 1 << 2;
    private static final int HAS_LAST_COMMIT_AT = 1 << 3;
    private static final int HAS_LAST_COMMIT_ID = 1 << 4;
    private static final int KNOWN_FLAGS = HAS_VALUE | HAS_HOLDER | HAS_LAST_WRITER | HAS_LAST_COMMIT_AT
            | HAS_LAST_COMMIT_ID;

    private RecordFormat() {
    }

    static byte[] encode(StoredRecord record) {
        byte[] key = utf8(record.key());
        byte[] holder = record.holder() == null ? null : utf8(record.holder());
        byte[] lastWriter = record.lastWriter() == null ? null : utf8(record.lastWriter());
        byte[] lastCommitId = record.lastCommitId() == null ? null : utf8(record.lastCommitId());
        byte[] value = record.value();

        int flags = (value != null ? HAS_VALUE : 0) | (holder != null ? HAS_HOLDER : 0)
                | (lastWriter != null ? HAS_LAST_WRITER : 0) | (record.lastCommitAt() != null ? HAS_LAST_COMMIT_AT : 0)
                | (lastCommitId != null ? HAS_LAST_COMMIT_ID : 0);
        long body = 2L + key.length + 3 * 8 + 1
                + (holder != null ? 2 + holder.length + 12 : 0)
                + (lastWriter != null ? 2 + lastWriter.length : 0)
                + (record.lastCommitAt() != null ? 12 : 0)
                + (lastCommitId != null ? 2 + lastCommitId.length : 0)
                + (value != null ? 4L + value.length : 0);
        if (HEADER_BYTES + body + CRC_BYTES > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("record too large for one file: " + body + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) (HEADER_BYTES + body + CRC_BYTES));
        out.put(MAGIC).putShort((short) VERSION).putInt((int) body);
        putString(out, key);
        out.putLong(record.revision()).putLong(record.version()).putLong(record.epoch()).put((byte) flags);
        if (holder != null) {
            putString(out, holder);
            putInstant(out, record.leaseDeadline());
        }
        if (lastWriter != null) {
            putString(out, lastWriter);
        }
        if (record.lastCommitAt() != null) {
            putInstant(out, record.lastCommitAt());
        }
        if (lastCommitId != null) {
            putString(out, lastCommitId);
        }
        if (value != null) {
            out.putInt(value.length).put(value);
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    /**
     * The key stored in a record, for files whose name does not tell it (hashed names). Checks magic and format
     * version first, so a record of a newer release is reported as such, not as corrupt.
     */
    static String keyOf(byte[] bytes, String location) {
        checkHeader(bytes, null, location);
        ByteBuffer in = ByteBuffer.wrap(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES);
        try {
            return getString(in);
        } catch (BufferUnderflowException e) {
            throw corrupt(null, location, "truncated: too short to hold its key");
        }
    }

    /**
     * Decodes a record file. {@code expectedKey} is the key whose file this is; a record for another key (a hash
     * collision, a file copied by hand) is corrupt state.
     */
    static StoredRecord decode(byte[] bytes, String expectedKey, String location) {
        checkHeader(bytes, expectedKey, location);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(MAGIC.length + 2);
        long bodyLength = Integer.toUnsignedLong(in.getInt());
        long expectedSize = HEADER_BYTES + bodyLength + CRC_BYTES;
        if (expectedSize != bytes.length) {
            throw corrupt(expectedKey, location, "truncated or extended: the header says " + expectedSize
                    + " bytes, the file has " + bytes.length);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - CRC_BYTES);
        int storedCrc = ByteBuffer.wrap(bytes, bytes.length - CRC_BYTES, CRC_BYTES).getInt();
        if ((int) crc.getValue() != storedCrc) {
            throw corrupt(expectedKey, location, "checksum mismatch (the file was damaged)");
        }
        try {
            in.limit(bytes.length - CRC_BYTES);
            String key = getString(in);
            long revision = in.getLong();
            long recordVersion = in.getLong();
            long epoch = in.getLong();
            int flags = Byte.toUnsignedInt(in.get());
            if ((flags & ~KNOWN_FLAGS) != 0) {
                throw corrupt(expectedKey, location, "unknown flags " + Integer.toBinaryString(flags));
            }
            String holder = null;
            Instant leaseDeadline = null;
            if ((flags & HAS_HOLDER) != 0) {
                holder = getString(in);
                leaseDeadline = getInstant(in);
            }
            String lastWriter = (flags & HAS_LAST_WRITER) != 0 ? getString(in) : null;
            Instant lastCommitAt = (flags & HAS_LAST_COMMIT_AT) != 0 ? getInstant(in) : null;
            String lastCommitId = (flags & HAS_LAST_COMMIT_ID) != 0 ? getString(in) : null;
            byte[] value = null;
            if ((flags & HAS_VALUE) != 0) {
                int length = in.getInt();
                if (length < 0 || length != in.remaining()) {
                    throw corrupt(expectedKey, location, "value length " + length + " does not fit the record");
                }
                value = new byte[length];
                in.get(value);
            }
            if (in.hasRemaining()) {
                throw corrupt(expectedKey, location, in.remaining() + " unexpected bytes after the record");
            }
            if (!key.equals(expectedKey)) {
                throw corrupt(expectedKey, location, "the file holds the record of another key, '"
                        + dev.fencedstate.Keys.printable(key) + "'");
            }
            return new StoredRecord(key, revision, recordVersion, epoch, value, holder, leaseDeadline, lastWriter,
                    lastCommitAt, lastCommitId);
        } catch (BufferUnderflowException | IllegalArgumentException | java.time.DateTimeException e) {
            throw new CorruptStateException(expectedKey, location, "malformed record body: " + e, e);
        }
    }

    /** Magic bytes and a known format version, or a typed error; a newer version is not called corrupt. */
    private static void checkHeader(byte[] bytes, @Nullable String expectedKey, String location) {
        if (bytes.length < HEADER_BYTES + CRC_BYTES) {
            throw corrupt(expectedKey, location, "truncated: " + bytes.length + " bytes is shorter than any record");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw corrupt(expectedKey, location, "not a fencedstate record (bad magic bytes)");
            }
        }
        int version = (bytes[MAGIC.length] & 0xff) << 8 | (bytes[MAGIC.length + 1] & 0xff);
        if (version > VERSION) {
            throw new UnsupportedFormatException(expectedKey, location, version, VERSION);
        }
        if (version < 1) {
            throw corrupt(expectedKey, location, "format version " + version + " does not exist");
        }
    }

    private static CorruptStateException corrupt(@Nullable String key, String location, String problem) {
        return new CorruptStateException(key, location, problem, null);
    }

    private static byte[] utf8(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xffff) {
            throw new IllegalArgumentException("string field longer than 65535 bytes");
        }
        return bytes;
    }

    private static void putString(ByteBuffer out, byte[] utf8) {
        out.putShort((short) utf8.length).put(utf8);
    }

    private static String getString(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        String text = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return text;
    }

    private static void putInstant(ByteBuffer out, @Nullable Instant instant) {
        Instant value = java.util.Objects.requireNonNull(instant);
        out.putLong(value.getEpochSecond()).putInt(value.getNano());
    }

    private static Instant getInstant(ByteBuffer in) {
        return Instant.ofEpochSecond(in.getLong(), in.getInt());
    }
}
