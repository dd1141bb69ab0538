package dev.fencedstate;

import java.util.concurrent.ThreadLocalRandom;

/** Default writer ids: where the writer runs, for whoever debugs a stale claim; not an identity to trust. */
final class WriterIds {

    private WriterIds() {
    }

    static String generate() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank() || host.chars().anyMatch(Character::isISOControl)) {
            host = "host";
        }
        if (host.length() > 64) {
            host = host.substring(0, 64);
        }
        return host + "/" + ProcessHandle.current().pid() + "/"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
    }
}
