package dev.fencedstate.langgraph4j;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.Keys;
import dev.fencedstate.Snapshot;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.bsc.langgraph4j.RunnableConfig;
import org.jspecify.annotations.Nullable;

/**
 * One writer's session on one thread: a graph run, or a series of {@code updateState} calls. It remembers the thread
 * as this writer last saw it, so that each checkpoint it puts is checked against that head; and, if it was opened with
 * {@link FencedCheckpointSaver#claimRun claimRun}, it holds the thread's write claim, so that once recovery reclaims or
 * revokes the thread, nothing this run puts can land.
 *
 * <h2>How a run carries it</h2>
 * LangGraph4j tells a saver neither which run a checkpoint comes from nor which head the run started on (a run resets
 * the checkpoint id of its config and ignores what {@code put} returns). What it does carry, unchanged, through every
 * config a run derives, into every {@code get}, {@code put} and {@code release} it makes and into every node, is the
 * metadata of the config the run was started with. So the run is a value in that metadata, under
 * {@link #METADATA_KEY}: start the graph with {@link #config()} (or {@link #config(RunnableConfig)} to keep settings of
 * your own) and the saver finds the run in every call.
 * <pre>{@code
 * try (FencedRun run = saver.claimRun("thread-42")) {
 *     graph.invoke(inputs, run.config());
 * }
 * }</pre>
 *
 * <h2>What it tracks</h2>
 * The <i>basis</i>: the thread's version as this run last read it ({@code get} with the run's config) or wrote it.
 * A put succeeds only if the thread is still at the basis, and then the basis moves to the put. Reads made with the
 * run's config move the basis too, since the caller is now working from what it read; so do not hand a run's config to
 * unrelated readers (a UI polling the state should use a plain config).
 *
 * <h2>Leases</h2>
 * A claimed run renews its lease by itself on each put once less than half of it remains, so a run that keeps
 * checkpointing keeps the thread. A node that works longer than the lease without checkpointing must call
 * {@link #renew()} (find the run with {@link #from(RunnableConfig)}), or be reclaimed, and then fenced.
 *
 * <p>Thread-safe. Close it when the run ends: that releases the claim.
 */
public final class FencedRun implements AutoCloseable {

    /** The metadata key under which a run travels in a {@link RunnableConfig}. */
    public static final String METADATA_KEY = "fencedstate.langgraph4j.run";

    private final FencedCheckpointSaver saver;
    private final String threadId;
    private final String key;
    /** The lease to renew with; {@code null} for the store's default lease. */
    private final @Nullable Duration lease;
    /** How long the lease lasts once granted or renewed, to tell when half of it is spent. */
    private final Duration leaseLength;
    /** Held for the whole of each put, so the puts of one run are applied one at a time, each on the last. */
    private final ReentrantLock lock = new ReentrantLock();

    private Snapshot basis;
    private @Nullable Claim claim;
    private boolean closed;

    private FencedRun(FencedCheckpointSaver saver, String threadId, String key, Snapshot basis,
            @Nullable Claim claim, @Nullable Duration lease, Duration leaseLength) {
        this.saver = saver;
        this.threadId = threadId;
        this.key = key;
        this.basis = basis;
        this.claim = claim;
        this.lease = lease;
        this.leaseLength = leaseLength;
    }

    static FencedRun optimistic(FencedCheckpointSaver saver, String threadId, String key, Snapshot basis) {
        return new FencedRun(saver, threadId, key, basis, null, null, Duration.ZERO);
    }

    static FencedRun claimed(FencedCheckpointSaver saver, String threadId, Claim claim, @Nullable Duration lease,
            Duration leaseLength) {
        return new FencedRun(saver, threadId, claim.key(), claim.snapshot(), claim, lease, leaseLength);
    }

    /** The run carried by {@code config}, if it carries one. */
    public static Optional<FencedRun> from(RunnableConfig config) {
        Objects.requireNonNull(config, "config");
        return config.metadata(METADATA_KEY).map(value -> {
            if (value instanceof FencedRun run) {
                return run;
            }
            throw new IllegalArgumentException("metadata '" + METADATA_KEY + "' holds a "
                    + value.getClass().getName() + ", not a FencedRun; it is reserved for fencedstate");
        });
    }

    /** A new config for this run's thread that carries this run. Pass it to {@code invoke}, {@code stream}, .... */
    public RunnableConfig config() {
        return RunnableConfig.builder().threadId(threadId).putMetadata(METADATA_KEY, this).build();
    }

    /**
     * {@code base} with this run's thread id and this run added, keeping the rest of {@code base} (stream mode,
     * checkpoint id, executors, your metadata).
     *
     * @throws IllegalArgumentException if {@code base} names another thread
     */
    public RunnableConfig config(RunnableConfig base) {
        Objects.requireNonNull(base, "base");
        base.threadId().filter(other -> !other.equals(threadId)).ifPresent(other -> {
            throw new IllegalArgumentException("the config is for thread '" + Keys.printable(other)
                    + "' but this run is on thread '" + Keys.printable(threadId) + "'");
        });
        return RunnableConfig.builder(base).threadId(threadId).putMetadata(METADATA_KEY, this).build();
    }

    /** The LangGraph4j thread id this run writes to. */
    public String threadId() {
        return threadId;
    }

    /** The store key the thread is kept under. */
    public String key() {
        return key;
    }

    /** The saver this run belongs to. */
    public FencedCheckpointSaver saver() {
        return saver;
    }

    /** The run's write claim on the thread, if it was opened with {@link FencedCheckpointSaver#claimRun}. */
    public Optional<Claim> claim() {
        lock.lock();
        try {
            return Optional.ofNullable(claim);
        } finally {
            lock.unlock();
        }
    }

    /** The thread's version as this run last read or wrote it: its next put must find the thread still there. */
    public long basisVersion() {
        lock.lock();
        try {
            return basis.version();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the claim's lease deadline to now + the lease it was taken with. Call it from a node that works longer
     * than half the lease without checkpointing.
     *
     * @throws FencedWriteException  if the claim was reclaimed, revoked or released: stop the run
     * @throws IllegalStateException if the run holds no claim or was closed
     */
    public Claim renew() {
        lock.lock();
        try {
            requireOpen();
            if (claim == null) {
                throw new IllegalStateException("this run on thread '" + Keys.printable(threadId)
                        + "' holds no claim to renew; open it with claimRun to hold one");
            }
            claim = lease == null ? saver.store().renew(claim) : saver.store().renew(claim, lease);
            return claim;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the run: releases its claim, if it holds one and the claim is still the thread's. Idempotent. A claim that
     * was already reclaimed or revoked is left alone (releasing it would end the new holder's grant).
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (claim != null) {
                saver.store().release(claim);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "FencedRun[thread=" + Keys.printable(threadId) + (claim == null ? ", optimistic" : ", claim epoch "
                + claim.epoch()) + (closed ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------- used by the saver, under the lock

    ReentrantLock lock() {
        return lock;
    }

    Snapshot basis() {
        return basis;
    }

    @Nullable Claim currentClaim() {
        return claim;
    }

    @Nullable Duration lease() {
        return lease;
    }

    Duration leaseLength() {
        return leaseLength;
    }

    /** The run read the thread: from now on it works from what it read. */
    void observe(Snapshot read) {
        lock.lock();
        try {
            if (read.version() >= basis.version()) {
                basis = read;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The run wrote the thread (and may have renewed its claim). */
    void wrote(Snapshot written, @Nullable Claim renewed) {
        basis = written;
        if (renewed != null) {
            claim = renewed;
        }
    }

    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this run on thread '" + Keys.printable(threadId)
                    + "' was closed; open a new run to write to the thread");
        }
    }
}
