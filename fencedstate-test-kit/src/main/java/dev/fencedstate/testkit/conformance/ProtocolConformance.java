package dev.fencedstate.testkit.conformance;

import dev.fencedstate.Claim;
import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.Snapshot;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StoredRecord;
import dev.fencedstate.testkit.ManualClock;
import dev.fencedstate.testkit.conformance.ProtocolModel.KeyState;
import dev.fencedstate.testkit.conformance.ProtocolModel.Kind;
import dev.fencedstate.testkit.conformance.ProtocolModel.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Checks a real {@link FencedStore} over a backend against the TLA+ model of the protocol
 * ({@code specs/FencedState.tla}).
 *
 * <p>Each behaviour is a random sequence of the spec's actions by three writers on two fresh keys: read, commit,
 * delete, update, claim, renew, release, revoke, commit/delete/update under a claim, the clock moving on (leases
 * expire, reclamation), and stalls (a writer that sleeps for many steps and wakes with its stale snapshot and claim).
 * Some operations also get another writer's whole operation run <em>inside</em> them, between their read and their
 * compare-and-set, which is where the spec lets anything happen and where the code must go back and decide again.
 *
 * <p>Every step's outcome (success, {@link VersionConflictException}, {@link FencedWriteException},
 * {@link ClaimHeldException}, release and revoke true/false), its returned version, epoch, value, holder and lease,
 * and then the stored record of every key, must be exactly what the reference model of the spec allows from the
 * state the operation last read. The first difference fails with an {@link AssertionError} that names the seed, the
 * behaviour, the step and the recent steps; the same seed replays the same behaviours.
 */
public final class ProtocolConformance {

    /** The spec's Writers. */
    static final int WRITERS = 3;
    /** The spec's Keys. */
    static final int KEYS = 2;

    private static final AtomicLong RUNS = new AtomicLong();

    private ProtocolConformance() {
    }

    /**
     * Runs {@code behaviours} random behaviours against {@code storage}, each on two keys of its own.
     *
     * @param storage    the backend under test; its lease time must follow {@code clock}
     * @param clock      the clock the backend's time follows; the behaviours move it forward
     * @param seed       the seed; a failure names it, and the same seed replays the same behaviours
     * @param behaviours how many behaviours to run (a few thousand take a second or two in memory)
     * @return what the run exercised
     * @throws AssertionError at the first step whose outcome the spec does not allow
     */
    public static ConformanceReport check(StateStorage storage, ManualClock clock, long seed, int behaviours) {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(clock, "clock");
        if (behaviours < 1) {
            throw new IllegalArgumentException("behaviours must be >= 1, was " + behaviours);
        }
        String run = "conformance-" + Long.toHexString(seed) + "-" + RUNS.incrementAndGet();
        Tally tally = new Tally();
        for (int index = 0; index < behaviours; index++) {
            new Behaviour(storage, clock, seed, index, run, behaviours, tally).run();
        }
        Map<String, Long> outcomes = new HashMap<>();
        tally.outcomes.forEach((kind, count) -> outcomes.put(kind.name(), count));
        return new ConformanceReport(seed, behaviours, tally.steps, tally.interleaved, outcomes);
    }

    /** Runs behaviours on a storage made for the run; closes it afterwards. */
    public static ConformanceReport check(Supplier<? extends StateStorage> storage, ManualClock clock, long seed,
            int behaviours) {
        try (StateStorage opened = storage.get()) {
            return check(opened, clock, seed, behaviours);
        }
    }

    // ---------------------------------------------------------------- one behaviour

    /** The spec's actions, as the driver picks them. */
    enum Action {
        READ(12), COMMIT(12), DELETE(3), UPDATE(6), CLAIM(10), RENEW(5), RELEASE(5), REVOKE(4),
        COMMIT_UNDER_CLAIM(12), DELETE_UNDER_CLAIM(2), UPDATE_UNDER_CLAIM(5), ADVANCE_CLOCK(8), STALL(3);

        private final int weight;

        Action(int weight) {
            this.weight = weight;
        }

        boolean writes() {
            return this != READ && this != ADVANCE_CLOCK && this != STALL;
        }

        boolean needsClaim() {
            return this == RENEW || this == RELEASE || this == COMMIT_UNDER_CLAIM || this == DELETE_UNDER_CLAIM
                    || this == UPDATE_UNDER_CLAIM;
        }
    }

    /** One step: {@code writer} does {@code action} on key number {@code key}; {@code amount} is seconds or steps. */
    record Step(Action action, int writer, int key, int amount) {

        @Override
        public String toString() {
            return switch (action) {
                case ADVANCE_CLOCK -> "clock +" + amount + "s";
                case STALL -> "w" + writer + " stalls for " + amount + " steps";
                case CLAIM, RENEW -> "w" + writer + " " + action + " k" + key + " (lease " + amount + "s)";
                default -> "w" + writer + " " + action + " k" + key;
            };
        }
    }

    private static final class Tally {
        final Map<Kind, Long> outcomes = new EnumMap<>(Kind.class);
        long steps;
        long interleaved;
    }

    /** What one writer holds between its operations: its latest snapshot and claim of each key. */
    private static final class Writer {
        final FencedStore store;
        final @Nullable Snapshot[] snapshots = new Snapshot[KEYS];
        /** The backend time each snapshot was taken at: what a commit based on it decides with if it reads nothing. */
        final @Nullable Instant[] snapshotTimes = new Instant[KEYS];
        final @Nullable Claim[] claims = new Claim[KEYS];
        int stalledSteps;

        Writer(FencedStore store) {
            this.store = store;
        }
    }

    private static final class Behaviour {

        private static final int TOTAL_WEIGHT = Arrays.stream(Action.values()).mapToInt(a -> a.weight).sum();
        private static final int RECENT_STEPS = 16;
        private static final int MAX_NESTING = 2;
        private static final int MAX_ROUNDS = 3;

        private final StateStorage backend;
        private final InterleavingStorage storage;
        private final ManualClock clock;
        private final long seed;
        private final int index;
        private final int behaviours;
        private final Tally tally;
        private final SplittableRandom random;
        private final String[] keys = new String[KEYS];
        private final KeyState[] model = new KeyState[KEYS];
        private final Writer[] writers = new Writer[WRITERS];
        private final boolean[] busy = new boolean[WRITERS];
        private final Deque<String> recent = new ArrayDeque<>();
        private int stepNumber;
        private int valueNumber;

        Behaviour(StateStorage backend, ManualClock clock, long seed, int index, String run, int behaviours,
                Tally tally) {
            this.backend = backend;
            this.storage = new InterleavingStorage(backend);
            this.clock = clock;
            this.seed = seed;
            this.index = index;
            this.behaviours = behaviours;
            this.tally = tally;
            this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
            for (int k = 0; k < KEYS; k++) {
                keys[k] = run + "/b" + index + "/k" + k;
                model[k] = KeyState.ABSENT;
            }
            for (int w = 0; w < WRITERS; w++) {
                writers[w] = new Writer(FencedStore.builder(storage)
                        .name("conformance")
                        .writerId("w" + w)
                        .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(5))
                        .sleeper(duration -> { })
                        .jitterRandom(new SplittableRandom(seed + w))
                        .build());
            }
        }

        void run() {
            int steps = 15 + random.nextInt(30);
            for (int i = 0; i < steps; i++) {
                stepNumber = i + 1;
                perform(nextStep(-1, -1), 0);
                for (Writer writer : writers) {
                    writer.stalledSteps = Math.max(0, writer.stalledSteps - 1);
                }
            }
        }

        /** Picks a step; {@code writer}/{@code key} of -1 mean any. Steps a writer cannot make become a read/claim. */
        private Step nextStep(int writer, int key) {
            int w = writer >= 0 ? writer : awakeWriter();
            int k = key >= 0 ? key : random.nextInt(KEYS);
            Action action = w < 0 ? Action.ADVANCE_CLOCK : pickAction();
            if (writer >= 0 && action == Action.STALL) {
                action = Action.ADVANCE_CLOCK;
            }
            if (w >= 0 && action.needsClaim() && writers[w].claims[k] == null) {
                action = Action.CLAIM;
            }
            if (w >= 0 && (action == Action.COMMIT || action == Action.DELETE) && writers[w].snapshots[k] == null) {
                action = Action.READ;
            }
            if (w >= 0 && (action == Action.COMMIT_UNDER_CLAIM || action == Action.DELETE_UNDER_CLAIM)
                    && writers[w].snapshots[k] == null) {
                action = Action.READ;
            }
            int amount = switch (action) {
                case CLAIM, RENEW -> 1 + random.nextInt(3);
                case ADVANCE_CLOCK -> 1 + random.nextInt(2);
                case STALL -> 5 + random.nextInt(20);
                default -> 0;
            };
            return new Step(action, Math.max(w, 0), k, amount);
        }

        private Action pickAction() {
            int pick = random.nextInt(TOTAL_WEIGHT);
            for (Action action : Action.values()) {
                pick -= action.weight;
                if (pick < 0) {
                    return action;
                }
            }
            throw new IllegalStateException("weights");
        }

        private int awakeWriter() {
            List<Integer> awake = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                if (writers[w].stalledSteps == 0) {
                    awake.add(w);
                }
            }
            return awake.isEmpty() ? -1 : awake.get(random.nextInt(awake.size()));
        }

        /**
         * A writer that is not in the middle of an operation (a writer does one at a time, as in the spec), awake if
         * one is; -1 if every writer is busy.
         */
        private int idleWriter() {
            List<Integer> idle = new ArrayList<>();
            List<Integer> idleAndAwake = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                if (!busy[w]) {
                    idle.add(w);
                    if (writers[w].stalledSteps == 0) {
                        idleAndAwake.add(w);
                    }
                }
            }
            List<Integer> choice = idleAndAwake.isEmpty() ? idle : idleAndAwake;
            return choice.isEmpty() ? -1 : choice.get(random.nextInt(choice.size()));
        }

        /**
         * Runs {@code step} on the real store, then checks the outcome against the model's decision on the state the
         * step read last, and every stored record against the model. A writing step may get other writers' whole
         * operations run inside it, between its read and its compare-and-set, up to {@link #MAX_NESTING} deep and for
         * up to {@link #MAX_ROUNDS} of its compare-and-set rounds.
         */
        private void perform(Step step, int depth) {
            List<Instant> reads = new ArrayList<>();
            List<Instant> outer = storage.recordReadsInto(reads);
            List<String> inside = new ArrayList<>();
            boolean writersStep = step.action().writes() || step.action() == Action.READ;
            if (writersStep) {
                busy[step.writer()] = true;
            }
            if (step.action().writes() && depth < MAX_NESTING && random.nextInt(100) < 30) {
                interleaveBeforeNextCompareAndSet(step, depth, 1, inside);
            }
            String outcome;
            try {
                outcome = execute(step, reads, () -> inside.isEmpty() ? ""
                        : " [with " + String.join(", then ", inside) + " run between its read and its compare-and-set]");
            } finally {
                storage.disarm();
                storage.recordReadsInto(outer);
                if (writersStep) {
                    busy[step.writer()] = false;
                }
            }
            remember("  ".repeat(depth) + step + (inside.isEmpty() ? ""
                    : " [inside it, between read and compare-and-set: " + String.join(", then ", inside) + "]")
                    + " -> " + outcome);
            tally.steps++;
            if (depth > 0) {
                tally.interleaved++;
            }
            checkStoredRecords(step);
        }

        private void interleaveBeforeNextCompareAndSet(Step step, int depth, int round, List<String> inside) {
            int other = idleWriter();
            Step interloper = other < 0 || random.nextInt(10) == 0
                    ? new Step(Action.ADVANCE_CLOCK, 0, step.key(), 1 + random.nextInt(2))
                    : nextStep(other, random.nextInt(10) < 9 ? step.key() : -1);
            storage.beforeNextCompareAndSet(() -> {
                inside.add(interloper.toString());
                perform(interloper, depth + 1);
                // If the step loses its compare-and-set and decides again, another operation may cut in again.
                if (round < MAX_ROUNDS && random.nextInt(100) < 25) {
                    interleaveBeforeNextCompareAndSet(step, depth, round + 1, inside);
                }
            });
        }

        /** Runs and checks one step; returns its outcome, for the trace. */
        private String execute(Step step, List<Instant> reads, Supplier<String> context) {
            Writer writer = writers[step.writer()];
            FencedStore store = writer.store;
            int k = step.key();
            String key = keys[k];
            switch (step.action()) {
                case ADVANCE_CLOCK -> {
                    clock.advance(Duration.ofSeconds(step.amount()));
                    return "now " + clock.instant();
                }
                case STALL -> {
                    writer.stalledSteps = step.amount();
                    return "asleep";
                }
                case READ -> {
                    Snapshot snapshot = store.read(key);
                    expectSnapshot(step, snapshot, model[k], "read", context);
                    writer.snapshots[k] = snapshot;
                    writer.snapshotTimes[k] = lastRead(step, reads);
                    count(Kind.READ);
                    return "READ " + model[k];
                }
                case COMMIT, DELETE, COMMIT_UNDER_CLAIM, DELETE_UNDER_CLAIM -> {
                    Snapshot base = Objects.requireNonNull(writer.snapshots[k]);
                    boolean delete = step.action() == Action.DELETE || step.action() == Action.DELETE_UNDER_CLAIM;
                    Claim claim = step.action() == Action.COMMIT_UNDER_CLAIM
                            || step.action() == Action.DELETE_UNDER_CLAIM ? writer.claims[k] : null;
                    String value = delete ? null : nextValue(step);
                    Result result = attempt(() -> claim == null
                            ? (value == null ? store.delete(base) : store.commit(base, bytes(value)))
                            : (value == null ? store.delete(claim, base) : store.commit(claim, base, bytes(value))));
                    Outcome expected = ProtocolModel.commit(model[k], base.version(),
                            claim == null ? null : claim.epoch(), value,
                            decisionTime(step, reads, result, writer.snapshotTimes[k]));
                    return expectOutcome(step, expected, result, writer, context);
                }
                case UPDATE, UPDATE_UNDER_CLAIM -> {
                    Claim claim = step.action() == Action.UPDATE_UNDER_CLAIM ? writer.claims[k] : null;
                    String value = nextValue(step);
                    Result result = attempt(() -> claim == null
                            ? store.update(key, snapshot -> bytes(value))
                            : store.update(claim, snapshot -> bytes(value)));
                    Outcome expected = ProtocolModel.update(model[k], claim == null ? null : claim.epoch(), value,
                            lastRead(step, reads));
                    return expectOutcome(step, expected, result, writer, context);
                }
                case CLAIM -> {
                    Duration lease = Duration.ofSeconds(step.amount());
                    Result result = attempt(() -> store.claim(key, lease));
                    Outcome expected = ProtocolModel.claim(model[k], "w" + step.writer(), lease,
                            lastRead(step, reads));
                    return expectOutcome(step, expected, result, writer, context);
                }
                case RENEW -> {
                    Claim claim = Objects.requireNonNull(writer.claims[k]);
                    Duration lease = Duration.ofSeconds(step.amount());
                    Result result = attempt(() -> store.renew(claim, lease));
                    Outcome expected = ProtocolModel.renew(model[k], claim.epoch(), lease, lastRead(step, reads));
                    return expectOutcome(step, expected, result, writer, context);
                }
                case RELEASE -> {
                    Claim claim = Objects.requireNonNull(writer.claims[k]);
                    Result result = attempt(() -> store.release(claim));
                    return expectOutcome(step, ProtocolModel.release(model[k], claim.epoch()), result, writer,
                            context);
                }
                case REVOKE -> {
                    Result result = attempt(() -> store.revoke(key));
                    return expectOutcome(step, ProtocolModel.revoke(model[k]), result, writer, context);
                }
                default -> throw new IllegalStateException("unknown action " + step.action());
            }
        }

        /**
         * The backend time a commit decided with. A commit may decide on its base snapshot and read nothing, but only
         * if it then committed (its compare-and-set found the record unchanged since the snapshot): it decided at the
         * backend time the snapshot was taken. Any other commit must have read, and decided at its last read.
         */
        private Instant decisionTime(Step step, List<Instant> reads, Result result, @Nullable Instant snapshotTime) {
            if (reads.isEmpty() && result.thrown() == null && snapshotTime != null) {
                return snapshotTime;
            }
            return lastRead(step, reads);
        }

        /** The backend time of the operation's last read: the time it decided with. */
        private Instant lastRead(Step step, List<Instant> reads) {
            if (reads.isEmpty()) {
                throw fail(step, "the operation never read the key, so it decided on nothing", null, null);
            }
            return reads.get(reads.size() - 1);
        }

        private String expectOutcome(Step step, Outcome expected, Result result, Writer writer,
                Supplier<String> context) {
            int k = step.key();
            KeyState before = model[k];
            String mismatch = mismatch(expected, result, step);
            if (mismatch != null) {
                throw fail(step, "the spec allows " + expected + " from " + before + ", but the implementation "
                        + mismatch + context.get(), result.thrown(), before);
            }
            model[k] = expected.next();
            count(expected.kind());
            switch (expected.kind()) {
                case COMMITTED -> {
                    Snapshot written = (Snapshot) Objects.requireNonNull(result.value());
                    writer.snapshots[k] = written;
                    // The backend stamped the commit's time at the write: the time of the record the snapshot shows.
                    writer.snapshotTimes[k] = written.lastCommitAt().orElseThrow(
                            () -> fail(step, "the committed snapshot has no commit time", null, before));
                }
                case GRANTED, RECLAIMED, RENEWED -> writer.claims[k] = (Claim) result.value();
                default -> {
                    // Zombies keep what they had: a fenced or released claim stays in hand and is used again later.
                }
            }
            return expected.toString();
        }

        /** Null if {@code result} is the outcome {@code expected}; else what the implementation did instead. */
        private @Nullable String mismatch(Outcome expected, Result result, Step step) {
            KeyState next = expected.next();
            RuntimeException thrown = result.thrown();
            Object value = result.value();
            switch (expected.kind()) {
                case COMMITTED -> {
                    if (!(value instanceof Snapshot snapshot)) {
                        return did(result);
                    }
                    return snapshotMismatch(snapshot, next);
                }
                case CONFLICT -> {
                    if (!(thrown instanceof VersionConflictException conflict)) {
                        return did(result);
                    }
                    return conflict.expectedVersion() == expected.expected()
                            && conflict.actualVersion() == expected.actual() ? null : did(result);
                }
                case FENCED -> {
                    if (!(thrown instanceof FencedWriteException fenced)) {
                        return did(result);
                    }
                    return fenced.claimEpoch() == expected.expected() && fenced.currentEpoch() == expected.actual()
                            ? null : did(result);
                }
                case CLAIM_HELD -> {
                    if (!(thrown instanceof ClaimHeldException held)) {
                        return did(result);
                    }
                    return held.holder().equals(expected.holder())
                            && held.leaseDeadline().equals(expected.deadline()) ? null : did(result);
                }
                case GRANTED, RECLAIMED, RENEWED -> {
                    if (!(value instanceof Claim claim)) {
                        return did(result);
                    }
                    boolean reclaimed = expected.kind() == Kind.RECLAIMED
                            || expected.kind() == Kind.RENEWED && writers[step.writer()].claims[step.key()] != null
                            && Objects.requireNonNull(writers[step.writer()].claims[step.key()]).reclaimed();
                    boolean same = claim.key().equals(keys[step.key()])
                            && claim.holder().equals(next.holder())
                            && claim.epoch() == next.epoch()
                            && claim.leaseDeadline().equals(next.deadline())
                            && claim.reclaimed() == reclaimed;
                    if (!same) {
                        return did(result);
                    }
                    return snapshotMismatch(claim.snapshot(), next);
                }
                case RELEASED, REVOKED -> {
                    return Boolean.TRUE.equals(value) ? null : did(result);
                }
                case NOT_RELEASED, NOTHING_TO_REVOKE -> {
                    return Boolean.FALSE.equals(value) ? null : did(result);
                }
                default -> throw new IllegalStateException("not an operation outcome: " + expected);
            }
        }

        private void expectSnapshot(Step step, Snapshot snapshot, KeyState expected, String what,
                Supplier<String> context) {
            String mismatch = snapshotMismatch(snapshot, expected);
            if (mismatch != null) {
                throw fail(step, "the " + what + " should see " + expected + ", but the implementation " + mismatch
                        + context.get(), null, expected);
            }
        }

        private static @Nullable String snapshotMismatch(Snapshot snapshot, KeyState expected) {
            boolean same = snapshot.version() == expected.version() && snapshot.epoch() == expected.epoch()
                    && Objects.equals(snapshot.valueAsUtf8().orElse(null), expected.value())
                    && Objects.equals(snapshot.holder().orElse(null), expected.holder())
                    && Objects.equals(snapshot.leaseDeadline().orElse(null), expected.deadline());
            return same ? null : "returned " + describe(snapshot);
        }

        /** After every step, each key's stored record must be the model's state of that key. */
        private void checkStoredRecords(Step step) {
            for (int k = 0; k < KEYS; k++) {
                StoredRecord record = backend.read(keys[k]).record();
                KeyState expected = model[k];
                KeyState stored = record == null ? KeyState.ABSENT
                        : new KeyState(record.version(), record.epoch(), record.holder(), record.leaseDeadline(),
                                record.value() == null ? null
                                        : new String(Objects.requireNonNull(record.value()), StandardCharsets.UTF_8));
                if (!stored.equals(expected)) {
                    throw fail(step, "after it, key k" + k + " should be stored as " + expected + " but is " + stored,
                            null, expected);
                }
            }
        }

        private String nextValue(Step step) {
            return "b" + index + "-w" + step.writer() + "-" + (++valueNumber);
        }

        private void count(Kind kind) {
            tally.outcomes.merge(kind, 1L, Long::sum);
        }

        private void remember(String description) {
            recent.addLast("  " + stepNumber + ". " + description);
            while (recent.size() > RECENT_STEPS) {
                recent.removeFirst();
            }
        }

        private AssertionError fail(Step step, String what, @Nullable Throwable cause, @Nullable KeyState before) {
            StringBuilder message = new StringBuilder()
                    .append("Protocol conformance failed on ").append(backend.describe())
                    .append(": seed ").append(seed).append(", behaviour ").append(index)
                    .append(", step ").append(stepNumber).append(": ").append(step).append('\n')
                    .append("  ").append(what).append('\n')
                    .append("  keys: ").append(String.join(", ", keys)).append('\n')
                    .append("  the steps before it (an operation run inside another is indented and listed first):\n");
            recent.forEach(line -> message.append(line).append('\n'));
            message.append("  replay: ProtocolConformance.check(<new storage>, ManualClock.create(), ").append(seed)
                    .append("L, ").append(Math.min(behaviours, index + 1)).append(')');
            AssertionError error = new AssertionError(message.toString());
            if (cause != null) {
                error.initCause(cause);
            }
            return error;
        }
    }

    // ---------------------------------------------------------------- results

    /** What an operation did: returned {@code value}, or threw {@code thrown}. */
    private record Result(@Nullable Object value, @Nullable RuntimeException thrown) {
    }

    private static Result attempt(Supplier<?> operation) {
        try {
            return new Result(operation.get(), null);
        } catch (RuntimeException thrown) {
            return new Result(null, thrown);
        }
    }

    private static String did(Result result) {
        if (result.thrown() != null) {
            return "threw " + result.thrown();
        }
        Object value = result.value();
        if (value instanceof Snapshot snapshot) {
            return "returned " + describe(snapshot);
        }
        if (value instanceof Claim claim) {
            return "returned " + claim + " with snapshot " + describe(claim.snapshot());
        }
        return "returned " + value;
    }

    private static String describe(Snapshot snapshot) {
        Optional<String> holder = snapshot.holder();
        return "[version " + snapshot.version() + ", epoch " + snapshot.epoch()
                + (holder.isEmpty() ? ", unclaimed" : ", held by " + holder.get() + " until "
                        + snapshot.leaseDeadline().orElse(null))
                + ", value " + snapshot.valueAsUtf8().map(v -> "'" + v + "'").orElse("absent") + "]";
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
