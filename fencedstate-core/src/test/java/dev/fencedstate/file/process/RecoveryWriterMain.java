package dev.fencedstate.file.process;

import dev.fencedstate.Claim;
import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.file.FileStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A child JVM for {@link ZombieProcessIT}, the recovering writer: it takes the key over from the stalled holder,
 * either by claiming it once the holder's lease has expired ({@code reclaim}) or by revoking the holder's claim by
 * force ({@code revoke}), and then commits its own value.
 *
 * <p>Arguments: {@code directory writerId key reclaim|revoke value}. Protocol:
 * <pre>
 *   READY                                 store open                                (then waits for TAKE_OVER)
 *   TAKEN epoch version how heldAttempts takenAt
 *                        the key is ours since takenAt: how = reclaimed | revoked; heldAttempts = claims refused
 *                        while the old lease was live                                  (then waits for COMMIT)
 *   COMMITTED version epoch
 * </pre>
 */
public final class RecoveryWriterMain {

    /** How long to keep trying to reclaim: far beyond any lease the test uses. */
    private static final Duration RECLAIM_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RECLAIM_POLL = Duration.ofMillis(20);
    private static final Duration OWN_LEASE = Duration.ofMinutes(1);

    private RecoveryWriterMain() {
    }

    public static void main(String[] args) {
        ChildProtocol.run(protocol -> {
            Path directory = Path.of(args[0]);
            String key = args[2];
            boolean reclaim = switch (args[3]) {
                case "reclaim" -> true;
                case "revoke" -> false;
                default -> throw new IllegalArgumentException("mode must be reclaim or revoke, was " + args[3]);
            };
            byte[] value = args[4].getBytes(StandardCharsets.UTF_8);
            try (FencedStore store = FencedStore.builder(FileStorage.open(directory)).writerId(args[1]).build()) {
                protocol.emit("READY");
                protocol.await("TAKE_OVER");
                if (reclaim) {
                    Instant giveUp = Instant.now().plus(RECLAIM_TIMEOUT);
                    int heldAttempts = 0;
                    Claim claim;
                    while (true) {
                        try {
                            claim = store.claim(key, OWN_LEASE);
                            break;
                        } catch (ClaimHeldException held) {
                            heldAttempts++;
                            if (Instant.now().isAfter(giveUp)) {
                                throw new IllegalStateException("could not reclaim within " + RECLAIM_TIMEOUT, held);
                            }
                            Thread.sleep(RECLAIM_POLL.toMillis());
                        }
                    }
                    protocol.emit("TAKEN", claim.epoch(), claim.snapshot().version(),
                            claim.reclaimed() ? "reclaimed" : "granted", heldAttempts,
                            claim.leaseDeadline().minus(OWN_LEASE));
                    protocol.await("COMMIT");
                    Snapshot committed = store.commit(claim, claim.snapshot(), value);
                    protocol.emit("COMMITTED", committed.version(), committed.epoch());
                } else {
                    boolean revoked = store.revoke(key);
                    Snapshot base = store.read(key);
                    protocol.emit("TAKEN", base.epoch(), base.version(), revoked ? "revoked" : "nothing-to-revoke", 0,
                            Instant.now());
                    protocol.await("COMMIT");
                    Snapshot committed = store.commit(base, value);
                    protocol.emit("COMMITTED", committed.version(), committed.epoch());
                }
            }
        });
    }
}
