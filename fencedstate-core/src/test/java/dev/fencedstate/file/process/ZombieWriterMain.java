package dev.fencedstate.file.process;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.Snapshot;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.file.FileStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A child JVM for {@link ZombieProcessIT}, the writer that will become a zombie: it claims the key with a short
 * lease, reads it, and is then ready to commit; the parent stops it with SIGSTOP before it does.
 *
 * <p>Arguments: {@code directory writerId key leaseMillis value}. Protocol:
 * <pre>
 *   CLAIMED epoch leaseDeadline        the claim it holds
 *   READ version epoch                 the snapshot its commit is based on     (then waits for the command COMMIT)
 *   COMMITTED version epoch            its commit landed (a zombie write: the test fails)
 *   FENCED claimEpoch currentEpoch     its commit was refused as fenced
 *   CONFLICT expectedVersion actualVersion
 * </pre>
 */
public final class ZombieWriterMain {

    private ZombieWriterMain() {
    }

    public static void main(String[] args) {
        ChildProtocol.run(protocol -> {
            Path directory = Path.of(args[0]);
            String key = args[2];
            Duration lease = Duration.ofMillis(Long.parseLong(args[3]));
            byte[] value = args[4].getBytes(StandardCharsets.UTF_8);
            try (FencedStore store = FencedStore.builder(FileStorage.open(directory)).writerId(args[1]).build()) {
                Claim claim = store.claim(key, lease);
                protocol.emit("CLAIMED", claim.epoch(), claim.leaseDeadline());
                Snapshot base = store.read(key);
                protocol.emit("READ", base.version(), base.epoch());
                // The commit is computed and due; the parent freezes the process here, past the lease.
                protocol.await("COMMIT");
                try {
                    Snapshot committed = store.commit(claim, base, value);
                    protocol.emit("COMMITTED", committed.version(), committed.epoch());
                } catch (FencedWriteException fenced) {
                    System.err.println(fenced.getMessage());
                    protocol.emit("FENCED", fenced.claimEpoch(), fenced.currentEpoch());
                } catch (VersionConflictException conflict) {
                    protocol.emit("CONFLICT", conflict.expectedVersion(), conflict.actualVersion());
                }
            }
        });
    }
}
