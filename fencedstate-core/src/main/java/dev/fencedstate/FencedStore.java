package dev.fencedstate;

import dev.fencedstate.FencedStoreListener.ClaimEvent;
import dev.fencedstate.FencedStoreListener.CommitOutcome;
import dev.fencedstate.FencedStoreListener.UpdateOutcome;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Fenced, versioned commits to the keys of one {@link StateStorage}. Thread-safe; share one instance per storage
 * and writer identity.
 *
 * <h2>The protocol, written once for every backend</h2>
 * Every operation is the same two steps: read the key's record (and the backend's time), decide locally, then ask
 * the backend to write the new record only if the record is unchanged ({@link StateStorage#compareAndSet}). All
 * checks are made against the record that the conditional write then requires to be current, so each check is
 * atomic with the write that depends on it. If the conditional write loses to a concurrent change, the operation
 * decides again from a fresh read; it reports a conflict only when the version or epoch it depends on really moved.
 * <ul>
 *   <li><b>commit</b> (optimistic): the key must still be at the base snapshot's version and nobody else may hold a
 *       live claim; otherwise {@link VersionConflictException} (retryable) or {@link ClaimHeldException}.</li>
 *   <li><b>claim</b>: refused with {@link ClaimHeldException} while another claim's lease is live; otherwise granted
 *       at epoch + 1 (a <i>reclamation</i> if it takes over an expired claim).</li>
 *   <li><b>commit under a claim</b>: the key's epoch must still be the claim's epoch, else
 *       {@link FencedWriteException} (never retried), and the version must match, else a conflict.</li>
 *   <li><b>renew</b> moves the lease deadline of a still-current claim; <b>release</b> and <b>revoke</b> end the grant
 *       and bump the epoch, which fences the old holder.</li>
 * </ul>
 * The TLA+ model in {@code specs/} has one action per step above and model-checks that no update is lost and no
 * stale (fenced) write is ever applied.
 */
public final class FencedStore implements AutoCloseable {

    /** Rounds of losing the conditional write to changes that did not affect this operation, before giving up. */
    private static final int MAX_CAS_ROUNDS = 1000;

    private final String name;
    private final StateStorage storage;
    private final String writerId;
    private final int maxValueBytes;
    private final Duration defaultLease;
    private final FencedStoreListener listener;
    private final Retrier retrier;
    private final @Nullable KeyTurns turns;

    private FencedStore(Builder builder) {
        this.name = builder.name;
        this.storage = builder.storage;
        this.writerId = builder.writerId;
        this.maxValueBytes = builder.maxValueBytes;
        this.defaultLease = builder.defaultLease;
        this.listener = new GuardedListener(builder.listener);
        Retrier configured = Retrier.of(builder.retryPolicy).withListener(listener);
        if (builder.sleeper != null) {
            configured = configured.withSleeper(builder.sleeper);
        }
        if (builder.jitterRandom != null) {
            configured = configured.withRandom(builder.jitterRandom);
        }
        this.retrier = configured;
        this.turns = builder.updatesTakeTurns ? new KeyTurns() : null;
    }

    /** Starts building a store over {@code storage}. */
    public static Builder builder(StateStorage storage) {
        return new Builder(storage);
    }

    // ---------------------------------------------------------------- reads

    /** Reads a key. A key that was never written reads as version 0, epoch 0, without a value. */
    public Snapshot read(String key) {
        Keys.requireValid(key);
        StorageRead read = storage.read(key);
        return Snapshot.of(key, read.record(), storage, read.now());
    }

    /** Every key with a record, sorted (deleted keys included: they keep their version and epoch). */
    public List<String> keys() {
        return storage.keys();
    }

    // ---------------------------------------------------------------- optimistic writes

    /**
     * Commits {@code value} if the key is still at {@code base}'s version and no live claim is held on it, not even
     * the caller's own (a claim holder commits under its claim, with {@link #commit(Claim, Snapshot, byte[])}).
     *
     * @return the key after the commit
     * @throws VersionConflictException if another commit landed since {@code base} was read (retryable)
     * @throws ClaimHeldException       if a live claim is held on the key (retryable later)
     */
    public Snapshot commit(Snapshot base, byte[] value) {
        Objects.requireNonNull(value, "value (use delete to remove a key)");
        return write(base, null, value);
    }

    /** Deletes the key if it is still at {@code base}'s version; the same checks as {@link #commit(Snapshot, byte[])}. */
    public Snapshot delete(Snapshot base) {
        return write(base, null, null);
    }

    /**
     * Reads the key, computes the new value from the snapshot, and commits it; on a {@link VersionConflictException}
     * does all three again, as the {@link RetryPolicy} allows (attempts and time), with backoff and jitter. The
     * function may run more than once and must have no side effects beyond computing the value.
     *
     * <p>Updates of one key from this store take turns (unless the builder says otherwise): each attempt runs while
     * no other update of the key in this process does, waiting fairly, in arrival order, for at most what is left of
     * the time budget. So updates from one process never conflict with each other, and retries are spent only on
     * writers in other processes or on other hosts. A turn is held only across this key's read, computation and
     * commit, never across the backoff between attempts, nor across another key's I/O; an update that lost an attempt
     * to another process comes back ahead of the updates that have not had their first turn yet.
     *
     * @return the key after the successful commit
     * @throws RetriesExhaustedException if the budget was spent (every attempt lost a conflict, or the update waited
     *                                   for its turn until its time was up); nothing was written
     * @throws ClaimHeldException        at once, if another writer holds a live claim (not retried here)
     */
    public Snapshot update(String key, Function<Snapshot, byte[]> compute) {
        Keys.requireValid(key);
        Objects.requireNonNull(compute, "compute");
        return retrier.call(key, execution -> {
            KeyTurns.Turn turn = null;
            if (turns != null) {
                turn = turns.enter(key, saturatedNanos(execution.remaining()), execution.attempt() > 1);
                if (turn == null) {
                    throw execution.outOfTime();
                }
            }
            try {
                Snapshot base = read(key);
                return commit(base, computeValue(compute, base));
            } finally {
                if (turn != null) {
                    turn.close();
                }
            }
        });
    }

    // ---------------------------------------------------------------- claims

    /** Claims the key with the store's default lease. See {@link #claim(String, Duration)}. */
    public Claim claim(String key) {
        return claim(key, defaultLease);
    }

    /**
     * Claims an exclusive write grant on the key for {@code lease}. Granting bumps the key's epoch; if the key held an
     * expired claim, this is a reclamation and that claim's holder is fenced from now on.
     *
     * <p>The deadline is the backend's time at the read plus {@code lease}, so a claimant that stalls between its read
     * and its write may be granted a lease that is already short or over. That costs it time, never safety: the epoch
     * still fences whoever reclaims after it.
     *
     * @throws ClaimHeldException if a claim on the key is live, the caller's own included (retryable after its
     *                            deadline; a holder extends its claim with {@link #renew})
     */
    public Claim claim(String key, Duration lease) {
        Keys.requireValid(key);
        requirePositive(lease);
        for (int round = 1; ; round++) {
            StorageRead read = storage.read(key);
            StoredRecord current = read.record();
            if (current != null && current.isClaimedAt(read.now())) {
                listener.onClaim(key, ClaimEvent.HELD);
                throw new ClaimHeldException(key, Objects.requireNonNull(current.holder()),
                        Objects.requireNonNull(current.leaseDeadline()));
            }
            boolean reclaiming = current != null && current.holder() != null;
            Instant deadline = read.now().plus(lease);
            StoredRecord granted = storage.compareAndSet(current,
                    StoredRecord.claimed(current, key, writerId, deadline));
            if (granted != null) {
                listener.onClaim(key, reclaiming ? ClaimEvent.RECLAIMED : ClaimEvent.GRANTED);
                Claim claim = new Claim(key, writerId, granted.epoch(), deadline,
                        Snapshot.of(key, granted, storage, read.now()), reclaiming);
                listener.onLease(claim, lease);
                return claim;
            }
            giveUpAfter(round, key);
        }
    }

    /** Renews a claim with the store's default lease. See {@link #renew(Claim, Duration)}. */
    public Claim renew(Claim claim) {
        return renew(claim, defaultLease);
    }

    /**
     * Moves the claim's lease deadline to now + {@code lease}. Works while the claim is still the key's grant, even if
     * its lease already expired, as long as nobody reclaimed it.
     *
     * @return the renewed claim (same epoch, new deadline, fresh snapshot)
     * @throws FencedWriteException if the claim was reclaimed, revoked or released
     */
    public Claim renew(Claim claim, Duration lease) {
        requirePositive(lease);
        String key = claim.key();
        for (int round = 1; ; round++) {
            StorageRead read = storage.read(key);
            StoredRecord current = read.record();
            requireCurrentGrant(claim, current);
            StoredRecord owned = Objects.requireNonNull(current);
            Instant deadline = read.now().plus(lease);
            StoredRecord renewed = storage.compareAndSet(owned, owned.renewed(deadline));
            if (renewed != null) {
                listener.onClaim(key, ClaimEvent.RENEWED);
                Claim extended = new Claim(key, claim.holder(), claim.epoch(), deadline,
                        Snapshot.of(key, renewed, storage, read.now()), claim.reclaimed());
                listener.onLease(extended, lease);
                return extended;
            }
            giveUpAfter(round, key);
        }
    }

    /**
     * Ends the claim and bumps the epoch, so nothing more can be written under it.
     *
     * @return {@code true} if released; {@code false} if the claim had already ended (reclaimed, revoked, released),
     *         in which case nothing changed
     */
    public boolean release(Claim claim) {
        String key = claim.key();
        for (int round = 1; ; round++) {
            StoredRecord current = storage.read(key).record();
            if (epochOf(current) != claim.epoch()) {
                return false;
            }
            if (storage.compareAndSet(current, Objects.requireNonNull(current).grantEnded()) != null) {
                listener.onClaim(key, ClaimEvent.RELEASED);
                return true;
            }
            giveUpAfter(round, key);
        }
    }

    /**
     * Recovery: ends the key's claim by force, live or expired, and bumps the epoch, so its holder is fenced from now
     * on even if it wakes up and its version still matches. Use it when a holder is known to be stalled or dead.
     *
     * @return {@code true} if a claim was ended; {@code false} if the key had no claim (nothing changed)
     */
    public boolean revoke(String key) {
        Keys.requireValid(key);
        for (int round = 1; ; round++) {
            StoredRecord current = storage.read(key).record();
            if (current == null || current.holder() == null) {
                return false;
            }
            if (storage.compareAndSet(current, current.grantEnded()) != null) {
                listener.onClaim(key, ClaimEvent.REVOKED);
                return true;
            }
            giveUpAfter(round, key);
        }
    }

    // ---------------------------------------------------------------- writes under a claim

    /**
     * Commits {@code value} under {@code claim}: only if the claim is still the key's grant (its epoch is the key's
     * epoch) and the key is still at {@code base}'s version. The epoch check is what stops a zombie writer whose
     * claim was reclaimed while nobody else wrote, so its version still matches.
     *
     * @throws FencedWriteException     if the claim was reclaimed, revoked or released (never retry with this claim)
     * @throws VersionConflictException if the key moved past {@code base} (possible after the lease expired)
     */
    public Snapshot commit(Claim claim, Snapshot base, byte[] value) {
        Objects.requireNonNull(value, "value (use delete to remove a key)");
        requireSameKey(claim, base);
        return write(base, claim, value);
    }

    /** Deletes the key under {@code claim}; the same checks as {@link #commit(Claim, Snapshot, byte[])}. */
    public Snapshot delete(Claim claim, Snapshot base) {
        requireSameKey(claim, base);
        return write(base, claim, null);
    }

    /**
     * {@link #update(String, Function)} under a claim: retries version conflicts, but a fenced claim fails at once and
     * is never retried.
     */
    public Snapshot update(Claim claim, Function<Snapshot, byte[]> compute) {
        String key = claim.key();
        Objects.requireNonNull(compute, "compute");
        return retrier.call(key, execution -> {
            // Checked before computing: a zombie must not even spend the work.
            Snapshot base = verify(claim, read(key));
            return commit(claim, base, computeValue(compute, base));
        });
    }

    // ---------------------------------------------------------------- checks without a write

    /**
     * Checks, without writing, what {@link #commit(Snapshot, byte[])} on {@code base} would check: that the key is
     * still at {@code base}'s version and nobody holds a live claim on it. For a change that turns out to have
     * nothing to write (an empty append, a pop of an empty list) but must still be refused if computed from stale
     * state.
     *
     * @return the key as it is now (equal to {@code base} in version and epoch)
     * @throws VersionConflictException if another commit landed since {@code base} was read
     * @throws ClaimHeldException       if a live claim is held on the key
     */
    public Snapshot verify(Snapshot base) {
        return check(base, null);
    }

    /**
     * Checks, without writing, what {@link #commit(Claim, Snapshot, byte[])} would check, in the same order: that the
     * claim is still the key's grant, then that the key is still at {@code base}'s version.
     *
     * @return the key as it is now
     * @throws FencedWriteException     if the claim was reclaimed, revoked or released (checked first)
     * @throws VersionConflictException if the key moved past {@code base}
     */
    public Snapshot verify(Claim claim, Snapshot base) {
        requireSameKey(claim, base);
        return check(base, claim);
    }

    // ---------------------------------------------------------------- accessors

    /** The store's name, used by integrations for metrics and endpoints. */
    public String name() {
        return name;
    }

    /** The writer id recorded with this store's commits and claims. */
    public String writerId() {
        return writerId;
    }

    /** The lease of {@link #claim(String)} and {@link #renew(Claim)}. */
    public Duration defaultLease() {
        return defaultLease;
    }

    /** The retry policy of {@link #update}. */
    public RetryPolicy retryPolicy() {
        return retrier.policy();
    }

    /**
     * The retry engine of {@link #update}, reporting to this store's listener: for integrations and adapters that
     * retry a larger unit of work (a conversation turn, a checkpoint) on a conflict, so that they count, wait, give
     * up and report as the store does ({@link Retrier#withPolicy} for a budget of their own).
     */
    public Retrier retrier() {
        return retrier;
    }

    /** The storage this store writes to. */
    public StateStorage storage() {
        return storage;
    }

    /** Closes the storage. */
    @Override
    public void close() {
        storage.close();
    }

    @Override
    public String toString() {
        return "FencedStore[" + name + ", " + storage.describe() + ", writer=" + writerId + "]";
    }

    // ---------------------------------------------------------------- the one write path

    /**
     * Commit or delete ({@code value == null}). Each round takes a record, checks it, and writes the next record only
     * if the record checked is still the stored one, so every check is atomic with the write.
     *
     * <p>The first round decides on the record the base snapshot was made from, at the backend time it was taken,
     * which saves a read (a round trip to a database). That is exact, not an approximation: if its compare-and-set
     * succeeds, the record is unchanged since the snapshot, so it has the epoch and version checked, and a lease that
     * had ended by the snapshot's time has ended now, since time only moves forward. If a check fails there, or the
     * record has changed, that round proves nothing and the operation decides on a fresh read, as every later round
     * does. A snapshot of another storage is never used so: only this storage's revisions identify its records. The
     * backend stamps the commit's time at the write ({@link StoredRecord#awaitsCommitTime()}), so the time recorded
     * is when the commit landed, not when the snapshot was read.
     */
    private Snapshot write(Snapshot base, @Nullable Claim claim, byte @Nullable [] value) {
        String key = base.key();
        Keys.requireValid(key);
        if (value != null && value.length > maxValueBytes) {
            throw new ValueTooLargeException(key, value.length, maxValueBytes);
        }
        // Copy once: the record is shared with the backend (the in-memory one keeps it), so a caller that reuses
        // its buffer after the commit must not change what was committed.
        byte[] committed = value == null ? null : value.clone();
        long started = System.nanoTime();
        String commitId = CommitIds.next();
        try {
            for (int round = base.cameFrom(storage) ? 0 : 1; ; round++) {
                boolean onSnapshot = round == 0;
                StoredRecord current;
                Instant now;
                if (onSnapshot) {
                    current = base.record();
                    now = base.observedAt();
                } else {
                    StorageRead read = storage.read(key);
                    current = read.record();
                    now = read.now();
                }
                FencedStateException refusal = refusal(key, base.version(), claim, current, now);
                if (refusal != null) {
                    if (onSnapshot) {
                        continue; // the snapshot may just be older than the claim or the lease; decide on a fresh read
                    }
                    throw refusal;
                }
                StoredRecord written = storage.compareAndSet(current,
                        StoredRecord.committed(current, key, committed, writerId, commitId));
                if (written != null) {
                    listener.onCommit(key, CommitOutcome.COMMITTED, Duration.ofNanos(System.nanoTime() - started));
                    return Snapshot.of(key, written, storage, Objects.requireNonNull(written.lastCommitAt(),
                            () -> storage.describe() + " did not stamp the commit's time (see the SPI contract)"));
                }
                if (!onSnapshot) {
                    giveUpAfter(round, key);
                }
            }
        } catch (FencedStateException failure) {
            listener.onCommit(key, CommitOutcome.of(failure), Duration.ofNanos(System.nanoTime() - started));
            if (failure instanceof StorageFailureException storageFailure && storageFailure.commitId() == null) {
                // A backend outside this build may have left the message null; the class name says enough then.
                String message = Objects.requireNonNullElse(storageFailure.getMessage(), storageFailure.toString());
                throw new StorageFailureException(key, message, storageFailure.outcomeKnown(), commitId,
                        storageFailure);
            }
            throw failure;
        }
    }

    /**
     * Why a commit based on {@code baseVersion} must not be applied to {@code current} at the backend's time
     * {@code now}, or {@code null} if it may. The order matters: a zombie is reported as fenced even when its version
     * also moved.
     */
    private static @Nullable FencedStateException refusal(String key, long baseVersion, @Nullable Claim claim,
            @Nullable StoredRecord current, Instant now) {
        long epoch = epochOf(current);
        if (claim != null) {
            if (epoch != claim.epoch()) {
                return new FencedWriteException(key, claim.epoch(), epoch);
            }
        } else if (current != null && current.isClaimedAt(now)) {
            return new ClaimHeldException(key, Objects.requireNonNull(current.holder()),
                    Objects.requireNonNull(current.leaseDeadline()));
        }
        long version = versionOf(current);
        if (version != baseVersion) {
            return new VersionConflictException(key, baseVersion, version);
        }
        return null;
    }

    /**
     * The checks of a write on a fresh read, without the write: the same {@link #refusal} in the same order. A
     * fenced claim is reported to the listener as a fenced commit, since that is what the caller was about to make.
     */
    private Snapshot check(Snapshot base, @Nullable Claim claim) {
        String key = base.key();
        Keys.requireValid(key);
        StorageRead read = storage.read(key);
        FencedStateException refusal = refusal(key, base.version(), claim, read.record(), read.now());
        if (refusal != null) {
            if (refusal instanceof FencedWriteException) {
                listener.onCommit(key, CommitOutcome.FENCED, Duration.ZERO);
            }
            throw refusal;
        }
        return Snapshot.of(key, read.record(), storage, read.now());
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    private static byte[] computeValue(Function<Snapshot, byte[]> compute, Snapshot base) {
        return Objects.requireNonNull(compute.apply(base),
                "the update function returned null; return a value, or use delete to remove a key");
    }

    private static void requireCurrentGrant(Claim claim, @Nullable StoredRecord current) {
        long epoch = epochOf(current);
        if (epoch != claim.epoch()) {
            throw new FencedWriteException(claim.key(), claim.epoch(), epoch);
        }
    }

    private static long epochOf(@Nullable StoredRecord record) {
        return record == null ? 0 : record.epoch();
    }

    private static long versionOf(@Nullable StoredRecord record) {
        return record == null ? Snapshot.INITIAL_VERSION : record.version();
    }

    private static void giveUpAfter(int round, String key) {
        if (round >= MAX_CAS_ROUNDS) {
            throw new StorageFailureException(key, "Gave up on key '" + Keys.printable(key) + "' after " + round
                    + " conditional writes in a row lost to concurrent lease changes. Nothing was written; try again.",
                    true, null, null);
        }
    }

    private static void requireSameKey(Claim claim, Snapshot base) {
        if (!claim.key().equals(base.key())) {
            throw new IllegalArgumentException("the claim is for key '" + Keys.printable(claim.key())
                    + "' but the snapshot is of key '" + Keys.printable(base.key()) + "'");
        }
    }

    private static void requirePositive(Duration lease) {
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("a lease must be positive, was " + lease);
        }
    }

    /**
     * Keeps a faulty listener from changing an outcome: a listener runs after the write, so an exception from it must
     * not make a commit that landed look failed, nor replace the exception the caller needs (an unknown outcome's
     * commit id).
     */
    private static final class GuardedListener implements FencedStoreListener {

        private static final System.Logger LOG = System.getLogger(FencedStore.class.getName());

        private final FencedStoreListener delegate;

        GuardedListener(FencedStoreListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
            guarded("onCommit", () -> delegate.onCommit(key, outcome, elapsed));
        }

        @Override
        public void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException conflict) {
            guarded("onRetry", () -> delegate.onRetry(key, failedAttempt, backoff, conflict));
        }

        @Override
        public void onUpdate(String key, UpdateOutcome outcome, int attempts, Duration elapsed) {
            guarded("onUpdate", () -> delegate.onUpdate(key, outcome, attempts, elapsed));
        }

        @Override
        public void onClaim(String key, ClaimEvent event) {
            guarded("onClaim", () -> delegate.onClaim(key, event));
        }

        @Override
        public void onLease(Claim claim, Duration lease) {
            guarded("onLease", () -> delegate.onLease(claim, lease));
        }

        private void guarded(String method, Runnable call) {
            try {
                call.run();
            } catch (RuntimeException e) {
                logFailure(method, e);
            }
        }

        private void logFailure(String method, RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "FencedStoreListener " + delegate.getClass().getName() + "."
                    + method + " threw; the store's outcome is unaffected", e);
        }
    }

    /** Builds a {@link FencedStore}. Every setting has a default; only the storage is required. */
    public static final class Builder {

        private final StateStorage storage;
        private String name = "default";
        private String writerId = WriterIds.generate();
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private int maxValueBytes = 16 * 1024 * 1024;
        private Duration defaultLease = Duration.ofSeconds(30);
        private FencedStoreListener listener = FencedStoreListener.NONE;
        private Retrier.@Nullable Sleeper sleeper;
        private @Nullable RandomGenerator jitterRandom;
        private boolean updatesTakeTurns = true;

        private Builder(StateStorage storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
        }

        /** A name for metrics and endpoints; default {@code default}. */
        public Builder name(String name) {
            this.name = requireLabel("name", name);
            return this;
        }

        /** The id recorded with commits and claims (host, process, worker...); default {@code host/pid/random}. */
        public Builder writerId(String writerId) {
            this.writerId = requireLabel("writerId", writerId);
            return this;
        }

        /** How {@link FencedStore#update} retries conflicts, in attempts and time; default {@link RetryPolicy#DEFAULT}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** The largest value accepted, in bytes; default 16 MiB. */
        public Builder maxValueBytes(int maxValueBytes) {
            if (maxValueBytes < 0) {
                throw new IllegalArgumentException("maxValueBytes must be >= 0, was " + maxValueBytes);
            }
            this.maxValueBytes = maxValueBytes;
            return this;
        }

        /** The lease of {@link FencedStore#claim(String)} and {@link FencedStore#renew(Claim)}; default 30 s. */
        public Builder defaultLease(Duration defaultLease) {
            requirePositive(defaultLease);
            this.defaultLease = defaultLease;
            return this;
        }

        public Builder listener(FencedStoreListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** How to wait between retries; tests pass one that records the waits instead of sleeping. */
        public Builder sleeper(Retrier.Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** A random source for jitter, for reproducible tests; by default each thread's own. */
        public Builder jitterRandom(RandomGenerator random) {
            this.jitterRandom = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Whether {@link FencedStore#update}s of one key from this store take turns (default {@code true}), so that
         * they never conflict with each other. Turn it off only to measure what it saves, or if every update of a key
         * in this process already runs on one thread.
         */
        public Builder updatesTakeTurns(boolean takeTurns) {
            this.updatesTakeTurns = takeTurns;
            return this;
        }

        public FencedStore build() {
            return new FencedStore(this);
        }

        private static String requireLabel(String what, String value) {
            Objects.requireNonNull(value, what);
            if (value.isEmpty() || value.getBytes(StandardCharsets.UTF_8).length > 256
                    || value.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(what + " must be 1 to 256 bytes of printable text, was '"
                        + Keys.printable(value) + "'");
            }
            return value;
        }
    }
}
