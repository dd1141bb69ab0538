package dev.fencedstate.file;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * Maps keys to file names that are safe on every common file system and distinct for distinct keys.
 *
 * <p>Each UTF-8 byte of the key that is a lowercase ASCII letter, a digit, {@code -} or {@code _} is kept; every
 * other byte becomes {@code %} and two lowercase hex digits. So a name contains only {@code [a-z0-9_%-]}: no path
 * separator, no dot (no {@code .} or {@code ..}, no hidden file), no character that a case-insensitive disk could
 * fold ({@code A} becomes {@code %41}, {@code a} stays). The mapping is injective because {@code %} itself is
 * always escaped. (Windows device names such as {@code con} or {@code nul} pass through unchanged; Windows is not a
 * supported platform for the file backend.)
 *
 * <p>Names longer than {@value #MAX_PLAIN_NAME} characters are replaced by {@code ~} and the SHA-256 of the key
 * ({@code ~} never appears in a plain name). The record stores the full key and every read checks it, so even a hash
 * collision would be reported as corrupt state, never silently merged.
 */
final class KeyFileNames {

    /** File systems allow 255 bytes per name; this leaves room for the suffixes of records and temporary files. */
    static final int MAX_PLAIN_NAME = 200;

    static final char HASHED_PREFIX = '~';

    private KeyFileNames() {
    }

    static String nameOf(String key) {
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        StringBuilder name = new StringBuilder(utf8.length * 2);
        for (byte b : utf8) {
            int c = b & 0xff;
            if (isKept(c)) {
                name.append((char) c);
            } else {
                name.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
            if (name.length() > MAX_PLAIN_NAME) {
                return HASHED_PREFIX + sha256Hex(utf8);
            }
        }
        return name.toString();
    }

    /** The key a plain name stands for, or {@code null} for a hashed name (its key is read from the record). */
    static @Nullable String keyOf(String name) {
        if (name.isEmpty() || name.charAt(0) == HASHED_PREFIX) {
            return null;
        }
        byte[] utf8 = new byte[name.length()];
        int length = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%') {
                int high = i + 2 < name.length() ? Character.digit(name.charAt(i + 1), 16) : -1;
                int low = high >= 0 ? Character.digit(name.charAt(i + 2), 16) : -1;
                if (low < 0) {
                    return null;
                }
                utf8[length++] = (byte) (high << 4 | low);
                i += 2;
            } else if (c < 128 && isKept(c)) {
                utf8[length++] = (byte) c;
            } else {
                return null;
            }
        }
        return new String(utf8, 0, length, StandardCharsets.UTF_8);
    }

    private static boolean isKept(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java platform provides SHA-256", impossible);
        }
    }
}
