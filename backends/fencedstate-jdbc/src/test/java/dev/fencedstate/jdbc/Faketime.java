package dev.fencedstate.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * libfaketime (Debian package {@code faketime}), preloaded into a child JVM to skew its clock. Missing on a developer
 * machine, the tests that need it are skipped with a message; missing in CI ({@code CI=true}), they fail, so the skew
 * guarantee is never silently unproven.
 */
final class Faketime {

    static final String INSTALL = "apt-get install -y faketime";

    private static final List<Path> CANDIDATES = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"),
            Path.of("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"),
            Path.of("/usr/lib/faketime/libfaketime.so.1"),
            Path.of("/usr/local/lib/faketime/libfaketime.so.1"));

    private Faketime() {
    }

    /** The environment that runs a process with its clock moved by {@code offset} (libfaketime syntax: +10m, -2h). */
    static Map<String, String> environment(String offset) {
        Path library = CANDIDATES.stream().filter(Files::isReadable).findFirst().orElse(null);
        if (library == null) {
            String message = "libfaketime is not installed (looked in " + CANDIDATES + "); the skewed-clock tests "
                    + "need it: " + INSTALL;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        return Map.of(
                "LD_PRELOAD", library.toString(),
                "FAKETIME", offset,
                // Only the wall clock is skewed: the JVM's monotonic clock (timeouts, pools) stays sane.
                "FAKETIME_DONT_FAKE_MONOTONIC", "1",
                // libfaketime 0.9.10's pthread_cond_timedwait workaround slows every timed wait of the JVM down
                // (seen here: a connection took 15 s); the JVM's waits use the monotonic clock and need no fix.
                "FAKETIME_FORCE_MONOTONIC_FIX", "0");
    }
}
