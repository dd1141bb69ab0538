package dev.fencedstate;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Ids that tell one commit from another. Unique with overwhelming probability; not secret, so not SecureRandom. */
final class CommitIds {

    private static final HexFormat HEX = HexFormat.of();

    private CommitIds() {
    }

    /** 128 random bits as 32 lowercase hex digits. */
    static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // HexFormat, not String.format: this runs on every commit, and formatting costs more than the rest of it.
        return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
    }
}
