package dev.fencedstate;

import java.nio.charset.StandardCharsets;

/**
 * The rules every key obeys, whatever the backend, so that a key valid on one backend is valid on all of them.
 *
 * <p>A key is 1 to {@value #MAX_KEY_BYTES} bytes of UTF-8 text without control characters (C0, DEL, C1, which
 * includes NUL, newlines and escape sequences) and without unpaired surrogates. Everything else is allowed, including
 * {@code /}, {@code ..}, {@code \} and names that differ only in case: backends map keys to storage names in a way
 * that cannot escape their directory or table and keeps every distinct key distinct.
 */
public final class Keys {

    /** The longest key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 512;

    private static final int MAX_PRINTED_CHARS = 120;

    private Keys() {
    }

    /**
     * Checks a key against the rules.
     *
     * @return the key, for chaining
     * @throws InvalidKeyException if the key breaks a rule; the message says which
     */
    public static String requireValid(@org.jspecify.annotations.Nullable String key) {
        if (key == null) {
            throw new InvalidKeyException("null", "a key must not be null");
        }
        if (key.isEmpty()) {
            throw new InvalidKeyException(key, "a key must not be empty");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isISOControl(c)) {
                throw new InvalidKeyException(key, String.format(
                        "control character U+%04X at index %d; keys must be printable text", (int) c, i));
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new InvalidKeyException(key, "unpaired surrogate at index " + i + "; keys must be valid Unicode");
            }
            if (Character.isLowSurrogate(c)) {
                throw new InvalidKeyException(key, "unpaired surrogate at index " + i + "; keys must be valid Unicode");
            }
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            throw new InvalidKeyException(key, "key is " + bytes + " bytes of UTF-8, the limit is " + MAX_KEY_BYTES);
        }
        return key;
    }

    /**
     * Renders any string, valid key or not, safely for an error message or a log line: control characters are
     * escaped and very long strings are shortened, so a hostile key cannot forge log lines or flood them.
     */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_PRINTED_CHARS) + 16);
        int shown = Math.min(text.length(), MAX_PRINTED_CHARS);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c) && !isPairedAt(text, i)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > shown) {
            out.append("...(").append(text.length()).append(" chars)");
        }
        return out.toString();
    }

    private static boolean isPairedAt(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }
}
