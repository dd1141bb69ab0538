package dev.fencedstate;

import java.util.concurrent.ThreadLocalRandom;

/** Ids that tell one commit from another. Unique with overwhelming probability; not secret, so not SecureRandom. */
final class CommitIds {

    private CommitIds() {
    }

    static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("%016x%016x", random.nextLong(), random.nextLong());
    }
}
