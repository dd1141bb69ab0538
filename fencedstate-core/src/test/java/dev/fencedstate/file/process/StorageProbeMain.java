package dev.fencedstate.file.process;

import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.file.FileStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A child JVM that opens, reads and writes a state directory on command, as whatever user and in whatever mount
 * namespace it was started, and reports each outcome on one line. For {@code UnprivilegedUserIT} and
 * {@code ReadOnlyMountIT}.
 *
 * <p>Commands (one per line) and replies:
 * <pre>
 *   open DIR [GROUP]     OPENED | FAILED ...        (GROUP: FileStorage.Builder#sharedWithGroup)
 *   read KEY             VALUE version text|-  | FAILED ...
 *   commit KEY TEXT      COMMITTED version     | FAILED ...   (an update that sets the value to TEXT)
 *   keys                 KEYS k1,k2,...        | FAILED ...
 *   exit                 BYE, then the child exits
 *   FAILED ExceptionSimpleName retryable=true|false outcomeKnown=true|false|- message (newlines as " | ")
 * </pre>
 * A failure other than a {@link FencedStateException} (or an {@link IllegalArgumentException} of the builder) kills
 * the child with its stack trace: only fencedstate's own typed errors are outcomes.
 */
public final class StorageProbeMain {

    private StorageProbeMain() {
    }

    public static void main(String[] args) {
        ChildProtocol.run(protocol -> {
            protocol.emit("READY");
            FencedStore store = null;
            while (true) {
                String[] command = protocol.nextCommand().split(" ", 3);
                try {
                    switch (command[0]) {
                        case "open" -> {
                            FileStorage.Builder builder = FileStorage.builder(Path.of(command[1]));
                            if (command.length > 2) {
                                builder.sharedWithGroup(command[2]);
                            }
                            store = FencedStore.builder(builder.build()).writerId("probe").build();
                            protocol.emit("OPENED");
                        }
                        case "read" -> {
                            Snapshot snapshot = opened(store).read(command[1]);
                            protocol.emit("VALUE", snapshot.version(), snapshot.valueAsUtf8().orElse("-"));
                        }
                        case "commit" -> {
                            byte[] value = command[2].getBytes(StandardCharsets.UTF_8);
                            protocol.emit("COMMITTED", opened(store).update(command[1], ignored -> value).version());
                        }
                        case "keys" -> protocol.emit("KEYS", String.join(",", opened(store).keys()));
                        case "exit" -> {
                            protocol.emit("BYE");
                            return;
                        }
                        default -> throw new IllegalStateException("unknown command " + String.join(" ", command));
                    }
                } catch (FencedStateException | IllegalArgumentException failure) {
                    protocol.emit("FAILED", failure.getClass().getSimpleName(),
                            "retryable=" + (failure instanceof FencedStateException typed ? typed.isRetryable() : false),
                            "outcomeKnown=" + (failure instanceof StorageFailureException storage
                                    ? storage.outcomeKnown() : "-"),
                            String.valueOf(failure.getMessage()).replace("\n", " | "));
                }
            }
        });
    }

    private static FencedStore opened(@Nullable FencedStore store) {
        if (store == null) {
            throw new IllegalStateException("no store opened yet");
        }
        return store;
    }
}
