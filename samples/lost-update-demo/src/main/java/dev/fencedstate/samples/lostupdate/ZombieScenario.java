package dev.fencedstate.samples.lostupdate;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.Snapshot;
import dev.fencedstate.file.FileStorage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * Part 3 of the demo: a zombie writer. Worker A takes a 30-second write lease on the release decision, reads it, and
 * stalls (here: blocked on a latch; in production: a GC pause, a SIGSTOP, a hung model call). The clock moves past
 * the lease, recovery hands the decision to worker B, and B reads it but has not written yet, so the version has not
 * moved. Then A wakes and commits what it decided before the stall.
 */
final class ZombieScenario {

    static final String DECISION_KEY = "decisions/release-1.4";
    static final String UNDECIDED = "release 1.4: undecided";
    static final String STALE_DECISION = "release 1.4: SHIP (worker-A, from test run #41)";
    static final String CURRENT_DECISION = "release 1.4: HOLD (worker-B, test run #42 found a regression)";

    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration STALL = Duration.ofSeconds(45);
    private static final Instant START = Instant.parse("2025-06-02T09:00:00Z");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private ZombieScenario() {
    }

    /** An expiry-based lease plus a version check, and nothing else. */
    static ZombieOutcome plainVersionCheck(Path directory, PrintStream out) {
        MovableClock clock = new MovableClock(START);
        NaiveVersionedFile decision = new NaiveVersionedFile(directory.resolve("release-decision.txt"));
        decision.create(UNDECIDED);
        NaiveLease lease = new NaiveLease(clock);
        out.println("  planner    wrote release-decision.txt: version 1, \"" + UNDECIDED + "\"");

        CountDownLatch aHasRead = new CountDownLatch(1);
        CountDownLatch aWakes = new CountDownLatch(1);
        NaiveVersionedFile.Versioned[] aRead = new NaiveVersionedFile.Versioned[1];
        Future<Boolean> workerA = Steps.start("worker-A", () -> {
            if (!lease.tryAcquire("worker-A", LEASE)) {
                throw new IllegalStateException("worker-A could not take a free lease");
            }
            aRead[0] = decision.read();
            aHasRead.countDown();
            Steps.await(aWakes, "worker-A is woken");
            return decision.writeIfVersion(aRead[0].version(), STALE_DECISION);
        });
        Steps.await(aHasRead, "worker-A has taken the lease and read the decision");
        out.println("  " + at(clock) + " worker-A took the lease until " + time(lease.deadline()) + ", read version "
                + aRead[0].version() + ", decided SHIP ... and stalls");

        clock.advance(STALL);
        boolean bTookOver = lease.tryAcquire("worker-B", LEASE);
        NaiveVersionedFile.Versioned bRead = decision.read();
        out.println("  " + at(clock) + " A's lease has expired; recovery gives the work to worker-B: lease "
                + (bTookOver ? "taken" : "REFUSED"));
        out.println("           worker-B read version " + bRead.version() + ", nothing written yet");

        boolean versionUnchanged = decision.read().version() == aRead[0].version();
        aWakes.countDown();
        boolean staleLanded = Steps.resultOf(workerA);
        out.println("  " + at(clock) + " worker-A wakes and commits on version " + aRead[0].version() + ": "
                + (staleLanded ? "it still matches, so the stale commit LANDED" : "rejected"));
        boolean bLanded = decision.writeIfVersion(bRead.version(), CURRENT_DECISION);
        out.println("  " + at(clock) + " worker-B commits on version " + bRead.version() + ": "
                + (bLanded ? "landed" : "REJECTED, the version moved: B's current decision is the one refused"));

        NaiveVersionedFile.Versioned last = decision.read();
        out.println("  => final: version " + last.version() + ", \"" + last.value() + "\""
                + (last.value().equals(STALE_DECISION) ? "  <- the zombie's stale decision" : ""));
        return new ZombieOutcome(staleLanded, null, versionUnchanged, bLanded, last.value(), last.version());
    }

    /** The same story with a fencedstate {@link Claim}: every commit is checked against the key's epoch. */
    static ZombieOutcome fenced(Path directory, PrintStream out) {
        MovableClock clock = new MovableClock(START);
        CountingListener events = new CountingListener();
        try (FencedStore planner = store(directory, clock, "planner", events);
                FencedStore storeA = store(directory, clock, "worker-A", events);
                FencedStore storeB = store(directory, clock, "worker-B", events)) {
            Snapshot undecided = planner.update(DECISION_KEY, current -> bytes(UNDECIDED));
            out.println("  planner    committed " + DECISION_KEY + ": version " + undecided.version() + ", epoch "
                    + undecided.epoch() + ", \"" + UNDECIDED + "\"");

            CountDownLatch aHasRead = new CountDownLatch(1);
            CountDownLatch aWakes = new CountDownLatch(1);
            Claim[] aClaim = new Claim[1];
            Snapshot[] aRead = new Snapshot[1];
            Future<@Nullable FencedWriteException> workerA = Steps.start("worker-A", () -> {
                aClaim[0] = storeA.claim(DECISION_KEY, LEASE);
                aRead[0] = storeA.read(DECISION_KEY);
                aHasRead.countDown();
                Steps.await(aWakes, "worker-A is woken");
                try {
                    storeA.commit(aClaim[0], aRead[0], bytes(STALE_DECISION));
                    return null;
                } catch (FencedWriteException fenced) {
                    return fenced;
                }
            });
            Steps.await(aHasRead, "worker-A has claimed and read the decision");
            out.println("  " + at(clock) + " worker-A claimed it at epoch " + aClaim[0].epoch() + " until "
                    + time(aClaim[0].leaseDeadline()) + ", read version " + aRead[0].version()
                    + ", decided SHIP ... and stalls");

            clock.advance(STALL);
            Claim bClaim = storeB.claim(DECISION_KEY, LEASE);
            Snapshot bRead = storeB.read(DECISION_KEY);
            out.println("  " + at(clock) + " A's lease has expired; worker-B "
                    + (bClaim.reclaimed() ? "reclaimed" : "claimed") + " the key: epoch " + aClaim[0].epoch()
                    + " -> " + bClaim.epoch());
            out.println("           (recovery can also end a stalled claim at once with FencedStore.revoke(key),"
                    + " which bumps the epoch too)");
            out.println("           worker-B read version " + bRead.version() + ", nothing written yet");

            boolean versionUnchanged = bRead.version() == aRead[0].version();
            aWakes.countDown();
            FencedWriteException rejection = Steps.resultOf(workerA);
            if (rejection != null) {
                out.println("  " + at(clock) + " worker-A wakes and commits on version " + aRead[0].version()
                        + ", which still matches:");
                out.println("           REJECTED with FencedWriteException (claim epoch " + rejection.claimEpoch()
                        + ", key epoch " + rejection.currentEpoch() + "); nothing written");
            } else {
                out.println("  " + at(clock) + " worker-A wakes and commits: the stale commit LANDED (fencing failed!)");
            }

            boolean bLanded;
            try {
                Snapshot committed = storeB.commit(bClaim, bRead, bytes(CURRENT_DECISION));
                bLanded = true;
                out.println("  " + at(clock) + " worker-B commits under epoch " + bClaim.epoch() + ": landed, version "
                        + committed.version());
                storeB.release(bClaim);
            } catch (FencedStateException refused) {
                bLanded = false;
                out.println("  " + at(clock) + " worker-B commits: refused: " + refused.getMessage());
            }

            Snapshot last = planner.read(DECISION_KEY);
            String value = last.valueAsUtf8().orElse("<absent>");
            out.println("  => final: version " + last.version() + ", epoch " + last.epoch() + " (B released its claim), \""
                    + value + "\"");
            out.println("     listener saw: " + String.join(", ", events.events()));
            return new ZombieOutcome(rejection == null, rejection, versionUnchanged, bLanded, value, last.version());
        }
    }

    /** Each writer its own store and FileStorage on the shared directory, all on the demo's clock. */
    private static FencedStore store(Path directory, MovableClock clock, String writer, CountingListener events) {
        return FencedStore.builder(FileStorage.builder(directory).clock(clock).build()).name("demo")
                .writerId(writer).listener(events).build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String at(MovableClock clock) {
        return time(clock.instant());
    }

    private static String time(Instant instant) {
        return TIME.format(instant);
    }
}
