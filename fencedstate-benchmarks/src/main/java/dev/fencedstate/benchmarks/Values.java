package dev.fencedstate.benchmarks;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The bytes every variant writes. A value is {@code size} bytes whose first eight carry a counter, so successive
 * writes differ and the hot-key benchmarks can count increments (and lost ones) from the stored bytes alone.
 */
final class Values {

    static final int COUNTER_BYTES = Long.BYTES;

    private Values() {
    }

    /** Incompressible filler of {@code size} bytes (at least {@value #COUNTER_BYTES}), fixed per seed. */
    static byte[] template(int size, long seed) {
        if (size < COUNTER_BYTES) {
            throw new IllegalArgumentException("a value needs at least " + COUNTER_BYTES + " bytes, was " + size);
        }
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * A fresh copy of {@code template} carrying {@code counter}. Fresh because {@code FencedStore} shares, never
     * copies, a committed array (the in-memory backend keeps it), so a buffer must not be reused after a commit.
     */
    static byte[] withCounter(byte[] template, long counter) {
        byte[] value = Arrays.copyOf(template, template.length);
        ByteBuffer.wrap(value).putLong(0, counter);
        return value;
    }

    /** The counter carried by {@code value}; 0 for an absent or too short value (a key never written). */
    static long counterOf(byte @org.jspecify.annotations.Nullable [] value) {
        return value == null || value.length < COUNTER_BYTES ? 0 : ByteBuffer.wrap(value).getLong(0);
    }
}
