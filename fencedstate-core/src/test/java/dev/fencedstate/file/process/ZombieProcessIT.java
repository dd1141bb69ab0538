package dev.fencedstate.file.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.file.FileStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The zombie writer, with real processes and real signals. Process A claims a key, reads it, and is frozen with
 * SIGSTOP just before its commit. Process B takes the key over (reclaiming after A's lease ran out, or revoking A's
 * claim by force) and commits. A is resumed with SIGCONT and commits under its old claim: it must be fenced.
 *
 * <p>Both orders of the last two steps are run. When A wakes before B commits, the key is still at the version A
 * read, so a version check alone would let A's stale write land; only the epoch check stops it.
 */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "SIGSTOP and SIGCONT are POSIX signals")
class ZombieProcessIT {

    private static final String KEY = "plans/agent-7";
    private static final Duration SHORT_LEASE = Duration.ofMillis(1500);
    /** In the revoke case A's lease is still live when B takes over: recovery does not wait for it. */
    private static final Duration LONG_LEASE = Duration.ofMinutes(2);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    enum Recovery { RECLAIM_AFTER_LEASE, REVOKE }

    enum Order { RECOVERY_COMMITS_THEN_ZOMBIE_WAKES, ZOMBIE_WAKES_BEFORE_RECOVERY_COMMITS }

    static Stream<Arguments> cases() {
        return Stream.of(Recovery.values()).flatMap(recovery -> Stream.of(Order.values())
                .map(order -> Arguments.of(recovery, order)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void aZombieResumedWithSigcontIsFencedAndTheRecoveringWritersValueStays(Recovery recovery, Order order) {
        long started = System.nanoTime();
        try (FencedStore store = FencedStore.builder(FileStorage.open(directory)).writerId("test-seed").build()) {
            // The key has history before A claims it, so its version is not the initial one.
            store.update(KEY, ignored -> "seed".getBytes(StandardCharsets.UTF_8));

            Duration lease = recovery == Recovery.REVOKE ? LONG_LEASE : SHORT_LEASE;
            try (ChildJvm zombie = ChildJvm.start("zombie-A", ZombieWriterMain.class, directory.toString(),
                    "writer-A", KEY, Long.toString(lease.toMillis()), "from-A");
                    ChildJvm recoverer = ChildJvm.start("recovery-B", RecoveryWriterMain.class, directory.toString(),
                            "writer-B", KEY, recovery == Recovery.REVOKE ? "revoke" : "reclaim", "from-B")) {
                recoverer.expect("READY", TIMEOUT);
                String[] claimed = zombie.expect("CLAIMED", TIMEOUT);
                long zombieEpoch = Long.parseLong(claimed[0]);
                Instant zombieDeadline = Instant.parse(claimed[1]);
                String[] read = zombie.expect("READ", TIMEOUT);
                long readVersion = Long.parseLong(read[0]);
                assertThat(Long.parseLong(read[1])).as("A read under its own claim").isEqualTo(zombieEpoch);

                // Freeze A with its commit due; it cannot act on the COMMIT command until it is resumed.
                zombie.signal("STOP");
                zombie.awaitStopped(TIMEOUT);
                zombie.send("COMMIT");

                recoverer.send("TAKE_OVER");
                String[] taken = recoverer.expect("TAKEN", TIMEOUT);
                long recoveryEpoch = Long.parseLong(taken[0]);
                long versionAtTakeOver = Long.parseLong(taken[1]);
                String how = taken[2];
                int heldAttempts = Integer.parseInt(taken[3]);
                Instant takenAt = Instant.parse(taken[4]);
                if (recovery == Recovery.RECLAIM_AFTER_LEASE) {
                    assertThat(how).isEqualTo("reclaimed");
                    assertThat(takenAt).as("B reclaimed only after A's lease ended, while A was stopped")
                            .isAfterOrEqualTo(zombieDeadline);
                } else {
                    assertThat(how).isEqualTo("revoked");
                    assertThat(takenAt).as("B revoked while A's lease was still live").isBefore(zombieDeadline);
                }
                assertThat(recoveryEpoch).as("taking over bumps the epoch").isGreaterThan(zombieEpoch);
                assertThat(versionAtTakeOver)
                        .as("the version did not move between A's read and B's take-over: A's version check passes")
                        .isEqualTo(readVersion);

                String[] fenced;
                String[] committed;
                if (order == Order.RECOVERY_COMMITS_THEN_ZOMBIE_WAKES) {
                    recoverer.send("COMMIT");
                    committed = recoverer.expect("COMMITTED", TIMEOUT);
                    zombie.signal("CONT");
                    fenced = zombie.expect("FENCED", TIMEOUT);
                } else {
                    // The key is still at the version A read: only the epoch check can refuse A now.
                    assertThat(store.read(KEY).version()).isEqualTo(readVersion);
                    zombie.signal("CONT");
                    fenced = zombie.expect("FENCED", TIMEOUT);
                    recoverer.send("COMMIT");
                    committed = recoverer.expect("COMMITTED", TIMEOUT);
                }
                zombie.awaitSuccess(TIMEOUT);
                recoverer.awaitSuccess(TIMEOUT);

                long claimEpoch = Long.parseLong(fenced[0]);
                long currentEpoch = Long.parseLong(fenced[1]);
                System.out.printf("[zombie] %s, %s: A claimed at epoch %d and read version %d; B %s at epoch %d "
                                + "(%d claims refused while A's lease was live) at version %d; A woke and was fenced "
                                + "(claim epoch %d, current epoch %d); B committed version %s; %d ms%n", recovery,
                        order, zombieEpoch, readVersion, how, recoveryEpoch, heldAttempts, versionAtTakeOver,
                        claimEpoch, currentEpoch, committed[0],
                        Duration.ofNanos(System.nanoTime() - started).toMillis());
                assertThat(claimEpoch).as("FENCED reports A's claim epoch").isEqualTo(zombieEpoch);
                assertThat(currentEpoch).as("FENCED reports the key's epoch after B took over")
                        .isEqualTo(recoveryEpoch);

                Snapshot after = store.read(KEY);
                assertThat(after.valueAsUtf8()).as("the state holds B's value").contains("from-B");
                assertThat(after.lastWriter()).contains("writer-B");
                assertThat(after.version()).as("exactly one commit after A's read: B's").isEqualTo(readVersion + 1)
                        .isEqualTo(Long.parseLong(committed[0]));
                assertThat(after.epoch()).isEqualTo(recoveryEpoch);
            }
        }
    }
}
