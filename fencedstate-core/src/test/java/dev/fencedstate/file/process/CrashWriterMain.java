package dev.fencedstate.file.process;

import dev.fencedstate.FencedStore;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.Snapshot;
import dev.fencedstate.file.FileStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child JVM for {@link KillNineCrashIT}: increments counters in a loop, acknowledging each commit only after
 * {@link FencedStore#update} returned, until the parent kills it with SIGKILL.
 *
 * <p>Arguments: {@code directory writerId key[,key...]}. Protocol:
 * <pre>
 *   READY               store open                     (then waits for the command GO)
 *   ACK key value       value is committed on key: update returned, so the commit is durable
 * </pre>
 */
public final class CrashWriterMain {

    private CrashWriterMain() {
    }

    public static void main(String[] args) {
        ChildProtocol.run(protocol -> {
            Path directory = Path.of(args[0]);
            String[] keys = args[2].split(",");
            // No retries: only one writer runs at a time, so a conflict would mean a killed writer still wrote after
            // it was reaped. Fail loudly instead of hiding that.
            try (FencedStore store = FencedStore.builder(FileStorage.open(directory)).writerId(args[1])
                    .retryPolicy(RetryPolicy.noRetry()).build()) {
                // Read every key once first: one-time costs (class loading, the SHA-256 of a long key's file name)
                // are paid before READY, so the kill lands among commits rather than in start-up work.
                for (String key : keys) {
                    store.read(key);
                }
                protocol.emit("READY");
                protocol.await("GO");
                while (true) {
                    for (String key : keys) {
                        Snapshot committed = store.update(key, CrashWriterMain::increment);
                        protocol.emit("ACK", key, committed.valueAsUtf8().orElseThrow());
                    }
                }
            }
        });
    }

    private static byte[] increment(Snapshot counter) {
        long current = counter.valueAsUtf8().map(Long::parseLong).orElse(0L);
        return Long.toString(current + 1).getBytes(StandardCharsets.UTF_8);
    }
}
