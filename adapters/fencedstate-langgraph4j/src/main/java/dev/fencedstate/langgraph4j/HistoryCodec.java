package dev.fencedstate.langgraph4j;

import dev.fencedstate.CorruptStateException;
import dev.fencedstate.Snapshot;
import dev.fencedstate.UnsupportedFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.serializer.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * The value stored under a thread's key: the thread's checkpoints, newest first, format version {@value #VERSION}.
 * <pre>
 *   magic "FSLG" | u16 format version | str content type of the checkpoint serializer | i32 count | count x entry
 *   entry: str checkpointId | nstr parentId | str writerId | i64 claimEpoch | str nodeId | str nextNodeId
 *          | i32 payload length | payload (one checkpoint, written by the LangGraph4j {@code Serializer<Checkpoint>})
 *   str = i32 length + UTF-8 bytes; nstr = the same, length -1 for null; all integers big-endian
 * </pre>
 * Each checkpoint is serialized once, when it is put, and its bytes are carried unchanged from then on: appending a
 * checkpoint copies the older entries' bytes without decoding them, so a lossy or slow state serializer cannot make
 * old checkpoints drift, and reading the head decodes one checkpoint, not the whole history.
 */
final class HistoryCodec {

    static final int VERSION = 1;
    static final String LOCATION = "the LangGraph4j checkpoint history";

    private static final byte[] MAGIC = {'F', 'S', 'L', 'G'};
    /** Refuses absurd lengths in a damaged value before allocating them. */
    private static final int MAX_STRING_BYTES = 1 << 20;

    private final Serializer<Checkpoint> serializer;
    private final String contentType;

    HistoryCodec(Serializer<Checkpoint> serializer) {
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        this.contentType = Objects.requireNonNull(serializer.contentType(), "serializer.contentType()");
    }

    /** One stored checkpoint: what the saver knows about it, and its serialized bytes. */
    record Entry(StoredCheckpoint meta, byte[] payload) {
    }

    /** The entries of a thread as stored in {@code snapshot}; empty if the key has no value (never written, released). */
    List<Entry> read(Snapshot snapshot) {
        byte[] value = snapshot.value().orElse(null);
        if (value == null) {
            return List.of();
        }
        String key = snapshot.key();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw corrupt(key, "the value does not start with the history magic bytes; it was not written by "
                        + "FencedCheckpointSaver (is another program using the same key prefix?)", null);
            }
            int version = in.readUnsignedShort();
            if (version != VERSION) {
                throw new UnsupportedFormatException(key, LOCATION, version, VERSION);
            }
            String storedType = readString(in, key);
            if (!storedType.equals(contentType)) {
                throw new IllegalStateException("The thread under key '" + key + "' was written with a checkpoint "
                        + "serializer of content type '" + storedType + "', but this saver's serializer has content "
                        + "type '" + contentType + "'. Configure the saver with the serializer the thread was written "
                        + "with.");
            }
            int count = in.readInt();
            if (count < 0) {
                throw corrupt(key, "negative checkpoint count " + count, null);
            }
            List<Entry> entries = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                String id = readString(in, key);
                String parentId = readNullableString(in, key);
                String writerId = readString(in, key);
                long claimEpoch = in.readLong();
                String nodeId = readString(in, key);
                String nextNodeId = readString(in, key);
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw corrupt(key, "checkpoint #" + i + " claims " + length + " payload bytes but "
                            + in.available() + " remain", null);
                }
                byte[] payload = in.readNBytes(length);
                entries.add(new Entry(new StoredCheckpoint(id, parentId, writerId, claimEpoch, nodeId, nextNodeId),
                        payload));
            }
            if (in.available() != 0) {
                throw corrupt(key, in.available() + " unexpected bytes after the last checkpoint", null);
            }
            return List.copyOf(entries);
        } catch (EOFException truncated) {
            throw corrupt(key, "the value is truncated", truncated);
        } catch (IllegalArgumentException invalid) {
            throw corrupt(key, invalid.getMessage(), invalid);
        } catch (IOException impossible) {
            // A byte array cannot fail to read; anything else is a bug worth seeing.
            throw new UncheckedIOException(impossible);
        }
    }

    byte[] write(List<Entry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeShort(VERSION);
            writeString(out, contentType);
            out.writeInt(entries.size());
            for (Entry entry : entries) {
                StoredCheckpoint meta = entry.meta();
                writeString(out, meta.checkpointId());
                writeNullableString(out, meta.parentId());
                writeString(out, meta.writerId());
                out.writeLong(meta.claimEpoch());
                writeString(out, meta.nodeId());
                writeString(out, meta.nextNodeId());
                out.writeInt(entry.payload().length);
                out.write(entry.payload());
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }

    /** Serializes one checkpoint with the LangGraph4j serializer. */
    byte[] serialize(String threadId, Checkpoint checkpoint) {
        try {
            return serializer.objectToBytes(checkpoint);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Cannot serialize checkpoint " + checkpoint.getId() + " of thread '"
                    + threadId + "' with " + serializer.getClass().getName() + ": " + e
                    + ". Give the saver the graph's own state serializer "
                    + "(FencedCheckpointSaver.builder(store).stateSerializer(graph.getStateSerializer())).", e);
        }
    }

    Checkpoint deserialize(String key, Entry entry) {
        try {
            Checkpoint checkpoint = serializer.bytesToObject(entry.payload());
            if (!checkpoint.getId().equals(entry.meta().checkpointId())) {
                throw corrupt(key, "checkpoint " + entry.meta().checkpointId() + " decodes to id "
                        + checkpoint.getId(), null);
            }
            return checkpoint;
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            if (e instanceof CorruptStateException corrupt) {
                throw corrupt;
            }
            throw corrupt(key, "checkpoint " + entry.meta().checkpointId() + " cannot be deserialized with "
                    + serializer.getClass().getName() + ": " + e, e);
        }
    }

    private static CorruptStateException corrupt(String key, @Nullable String problem, @Nullable Throwable cause) {
        return new CorruptStateException(key, LOCATION, problem == null ? "unreadable" : problem, cause);
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static void writeNullableString(DataOutputStream out, @Nullable String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
        } else {
            writeString(out, value);
        }
    }

    private static String readString(DataInputStream in, String key) throws IOException {
        String value = readNullableString(in, key);
        if (value == null) {
            throw corrupt(key, "a required string is missing", null);
        }
        return value;
    }

    private static @Nullable String readNullableString(DataInputStream in, String key) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > MAX_STRING_BYTES || length > in.available()) {
            throw corrupt(key, "a string claims " + length + " bytes but " + in.available() + " remain", null);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
