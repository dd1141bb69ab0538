package dev.fencedstate.jdbc;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.fencedstate.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * A value that is an append-only log of entries, padded and checksummed, so a test can tell from the final value
 * alone which commits landed, in which order, and that no value was ever torn:
 *
 * <pre>
 *   append-log/1
 *   E writer-1#1
 *   E writer-2#1
 *   P &lt;8 KiB of filler derived from the entry count&gt;
 *   C &lt;CRC-32 of everything above&gt;
 * </pre>
 */
final class AppendLog {

    private static final String HEADER = "append-log/1\n";
    private static final int PADDING = 8 * 1024;

    private AppendLog() {
    }

    /** The value after appending {@code entry} to the snapshot's log (an empty log if the key has no value). */
    static byte[] append(Snapshot snapshot, String entry) {
        List<String> entries = new ArrayList<>(entries(snapshot));
        entries.add(entry);
        return encode(entries);
    }

    /** The entries of the snapshot's log; fails if the value is not a whole, intact log. */
    static List<String> entries(Snapshot snapshot) {
        return snapshot.exists() ? decode(snapshot.value().orElseThrow()) : List.of();
    }

    static byte[] encode(List<String> entries) {
        StringBuilder text = new StringBuilder(HEADER);
        for (String entry : entries) {
            text.append("E ").append(entry).append('\n');
        }
        text.append("P ").append(padding(entries.size())).append('\n');
        return withChecksum(text.toString());
    }

    static List<String> decode(byte[] value) {
        String text = new String(value, UTF_8);
        int checksumLine = text.lastIndexOf("C ");
        if (!text.startsWith(HEADER) || checksumLine < 0 || !text.endsWith("\n")) {
            throw new AssertionError("not a whole append log (" + value.length + " bytes)");
        }
        String body = text.substring(0, checksumLine);
        if (!text.equals(new String(withChecksum(body), UTF_8))) {
            throw new AssertionError("append log checksum mismatch: the value is torn or damaged");
        }
        List<String> entries = new ArrayList<>();
        String[] lines = body.substring(HEADER.length()).split("\n");
        for (int i = 0; i < lines.length - 1; i++) {
            if (!lines[i].startsWith("E ")) {
                throw new AssertionError("unexpected line in append log: " + lines[i]);
            }
            entries.add(lines[i].substring(2));
        }
        if (!lines[lines.length - 1].equals("P " + padding(entries.size()))) {
            throw new AssertionError("append log padding does not match its entries");
        }
        return entries;
    }

    private static String padding(int seed) {
        Random random = new Random(seed);
        char[] filler = new char[PADDING];
        for (int i = 0; i < filler.length; i++) {
            filler[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(filler);
    }

    private static byte[] withChecksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(UTF_8));
        return (body + "C " + Long.toHexString(crc.getValue()) + "\n").getBytes(UTF_8);
    }
}
