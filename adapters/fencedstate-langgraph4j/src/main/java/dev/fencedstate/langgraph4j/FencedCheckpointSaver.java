package dev.fencedstate.langgraph4j;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.Keys;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.Snapshot;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.langgraph4j.HistoryCodec.Entry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.checkpoint.BaseCheckpointSaver;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.serializer.Serializer;
import org.bsc.langgraph4j.serializer.StateSerializer;
import org.bsc.langgraph4j.serializer.std.CheckpointSerializer;
import org.bsc.langgraph4j.serializer.std.ObjectStreamStateSerializer;
import org.bsc.langgraph4j.state.AgentState;
import org.jspecify.annotations.Nullable;

/**
 * A LangGraph4j {@link BaseCheckpointSaver} that keeps each thread's checkpoints in a {@link FencedStore}, so that it
 * works unchanged on every fencedstate backend (in memory; a directory shared by processes; a database shared by
 * hosts) and reports every write to the store's {@link dev.fencedstate.FencedStoreListener} (the Spring Boot
 * starter's metrics).
 *
 * <h2>Drop-in</h2>
 * Replace {@code MemorySaver} or {@code FileSystemSaver} in {@code CompileConfig.builder().checkpointSaver(...)}:
 * <pre>{@code
 * var saver = FencedCheckpointSaver.builder(store).stateSerializer(graph.getStateSerializer()).build();
 * var app = graph.compile(CompileConfig.builder().checkpointSaver(saver).build());
 * }</pre>
 * Every put is then one atomic, version-checked write of the thread's history: two writers, in one process or many,
 * can no longer overwrite each other's history (the stock savers load, change and rewrite the whole history, so across
 * processes the later rewrite drops the earlier checkpoint). And a put computed from a head that another writer has
 * since moved is refused with {@link CheckpointConflictException}, in the common case with no other change (below).
 *
 * <h2>What a put is checked against</h2>
 * <ul>
 *   <li><b>With a {@link FencedRun}</b> in the config ({@link #openRun}, {@link #claimRun}): against the head the run
 *       last saw. If another writer moved the thread since, the put is refused with
 *       {@link CheckpointConflictException}; it is never rebased, because a checkpoint is a whole state computed from
 *       its head and writing it on a newer head would drop what the newer checkpoints added. If the run claimed the
 *       thread and the claim was since reclaimed or revoked, the put is refused with {@link FencedWriteException}
 *       (checked first: a zombie must hear that it is fenced, not that it may retry).</li>
 *   <li><b>Without a run</b> (drop-in): LangGraph4j tells a saver neither which run a put comes from nor which head it
 *       started from, but it reads the head and puts the checkpoints computed from it on one Java thread when the
 *       flow is consumed synchronously ({@code updateState}; {@code invoke}; {@code stream} iterated by the thread
 *       that created it). So the saver remembers, per Java thread and graph thread, the head that thread's flow read
 *       or last wrote, and refuses a put of that flow if the thread has moved since, with the same
 *       {@link CheckpointConflictException}. A put it cannot attribute to such a flow (made from an asynchronous
 *       node's or a parallel executor's thread, a stream consumed on another thread, a direct call) is appended
 *       atomically on the current head, as before, and never refused. See {@link DropInTracker} for the rules and
 *       the README for exactly which cases are covered; {@link Builder#detectDropInConflicts(boolean)} turns this
 *       off, {@link Builder#requireRun(boolean) requireRun(true)} refuses writes without a run instead.</li>
 *   <li>A put whose config names a checkpoint id replaces that checkpoint in place, as in the stock savers
 *       ({@code updateState} on a snapshot's config does this); the checkpoint must exist in the history the put is
 *       based on, else {@link NoSuchElementException}, as in the stock savers.</li>
 * </ul>
 *
 * <h2>Stored value</h2>
 * One value per thread, under {@code keyPrefix + threadId}: all of the thread's checkpoints, newest first, each
 * serialized with the LangGraph4j {@code Serializer<Checkpoint>} (by default {@link CheckpointSerializer} over the
 * given state serializer), in a small versioned frame that also records each checkpoint's parent, writer and claim
 * epoch (see {@link #history(String)}). Each put rewrites the thread's value, so its cost grows with the history; cap
 * it with {@link Builder#maxCheckpoints(int)}.
 */
public final class FencedCheckpointSaver implements BaseCheckpointSaver {

    /** The default prefix of the store keys threads are kept under. */
    public static final String DEFAULT_KEY_PREFIX = "langgraph4j/threads/";

    private final FencedStore store;
    private final HistoryCodec codec;
    private final String keyPrefix;
    private final int maxCheckpoints;
    private final boolean requireRun;
    private final boolean detectDropInConflicts;
    private final DropInTracker dropIn = new DropInTracker();

    private FencedCheckpointSaver(Builder builder) {
        this.store = builder.store;
        this.codec = new HistoryCodec(builder.checkpointSerializer);
        this.keyPrefix = builder.keyPrefix;
        this.maxCheckpoints = builder.maxCheckpoints;
        this.requireRun = builder.requireRun;
        this.detectDropInConflicts = builder.detectDropInConflicts;
    }

    /** Starts building a saver over {@code store}. */
    public static Builder builder(FencedStore store) {
        return new Builder(store);
    }

    /** A saver over {@code store} with the default settings (the default state serializer, no cap, runs optional). */
    public static FencedCheckpointSaver of(FencedStore store) {
        return builder(store).build();
    }

    // ---------------------------------------------------------------- runs

    /**
     * Opens an optimistic run on the thread: its puts are checked against the head it last saw, without claiming the
     * thread. Use it for {@code updateState} calls and for runs that may race but need no exclusive grant.
     */
    public FencedRun openRun(String threadId) {
        String key = keyOf(threadId);
        return FencedRun.optimistic(this, threadId, key, store.read(key));
    }

    /** Claims the thread with the store's default lease. See {@link #claimRun(String, Duration)}. */
    public FencedRun claimRun(String threadId) {
        Claim claim = store.claim(keyOf(threadId));
        return FencedRun.claimed(this, threadId, claim, null, store.defaultLease());
    }

    /**
     * Claims the thread for a run: until the run is closed (or its lease lapses and someone reclaims it, or recovery
     * {@linkplain #revoke revokes} it) no other writer can put to the thread, and once the claim has ended nothing this
     * run puts can land. Its puts are also checked against the head it last saw.
     *
     * @throws dev.fencedstate.ClaimHeldException if another run holds a live claim on the thread (retryable later)
     */
    public FencedRun claimRun(String threadId, Duration lease) {
        Objects.requireNonNull(lease, "lease");
        Claim claim = store.claim(keyOf(threadId), lease);
        return FencedRun.claimed(this, threadId, claim, lease, lease);
    }

    /**
     * Recovery: ends any claim on the thread by force (bumps its epoch), so a stalled or dead run can never write to it
     * again, even if it wakes up. Use it when a run is known to be stuck; then start a new run.
     *
     * @return {@code true} if a claim was ended, {@code false} if the thread had none
     */
    public boolean revoke(String threadId) {
        return store.revoke(keyOf(threadId));
    }

    // ---------------------------------------------------------------- BaseCheckpointSaver

    /** The thread's checkpoints, newest first. */
    @Override
    public Collection<Checkpoint> list(RunnableConfig config) {
        String key = keyOf(threadId(config));
        runOf(config); // only to refuse a run of another saver or thread; listing does not move a run's basis
        return decodeAll(key, codec.read(store.read(key)));
    }

    /**
     * The checkpoint the config names, or the thread's head. With a run, the run now works from what it read; without
     * one, so does the calling Java thread's flow if this read starts one (a run, an {@code updateState}).
     */
    @Override
    public Optional<Checkpoint> get(RunnableConfig config) {
        String key = keyOf(threadId(config));
        FencedRun run = runOf(config);
        GraphCallSite site = run == null && detectDropInConflicts ? GraphCallSite.ofRead() : GraphCallSite.OTHER;
        long stamp = dropIn.stamp(key);
        Snapshot snapshot = store.read(key);
        List<Entry> entries = codec.read(snapshot);
        if (run != null) {
            run.observe(snapshot);
        } else if (site != GraphCallSite.OTHER) {
            dropIn.remember(key, new DropInTracker.Basis(snapshot, stamp, originOf(site)));
        }
        Optional<String> wanted = config.checkPointId();
        Optional<Entry> found = wanted.isPresent()
                ? entries.stream().filter(entry -> entry.meta().checkpointId().equals(wanted.get())).findFirst()
                : entries.stream().findFirst();
        return found.map(entry -> codec.deserialize(key, entry));
    }

    /**
     * Appends {@code checkpoint} to the thread (or replaces the checkpoint the config names). See the class comment
     * for what it is checked against.
     *
     * @return the config with the checkpoint id set (appended), or the config unchanged (replaced), as the stock savers
     * @throws CheckpointConflictException            if the config's run, or without a run the calling thread's
     *                                                LangGraph4j flow, last saw an older head (retryable)
     * @throws FencedWriteException                   if the config's run lost its claim (never retry this run)
     * @throws dev.fencedstate.ClaimHeldException     if another run holds a live claim on the thread
     * @throws NoSuchElementException                 if the checkpoint to replace is not in the history
     */
    @Override
    public RunnableConfig put(RunnableConfig config, Checkpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        String threadId = threadId(config);
        String key = keyOf(threadId);
        FencedRun run = runOf(config);
        byte[] payload = codec.serialize(threadId, checkpoint);
        Optional<String> replacing = config.checkPointId();
        if (run == null) {
            if (requireRun) {
                throw new IllegalStateException("This saver requires every write to carry a FencedRun, but the put "
                        + "to thread '" + Keys.printable(threadId) + "' carries none. Start the graph with "
                        + "saver.openRun(threadId).config() or saver.claimRun(threadId).config().");
            }
            putWithoutRun(threadId, key, checkpoint,
                    entries -> withCheckpoint(entries, checkpoint, payload, replacing, 0));
        } else {
            putAsRun(run, threadId, key, entries -> withCheckpoint(entries, checkpoint, payload, replacing,
                    claimEpochOf(run)));
        }
        return replacing.isPresent() ? config : RunnableConfig.builder(config).checkPointId(checkpoint.getId()).build();
    }

    /**
     * Removes the thread's history (leaving a tombstone, so its version and epoch live on) and returns what it held,
     * newest first. With a run, checked like a put: a run that lost its claim or saw an older head cannot release.
     * Without one, it removes whatever the thread holds (LangGraph4j releases a thread after its run's last checkpoint,
     * so there is no later step to protect), as the stock savers do.
     */
    @Override
    public Tag release(RunnableConfig config) {
        String threadId = threadId(config);
        String key = keyOf(threadId);
        FencedRun run = runOf(config);
        if (run == null) {
            dropIn.forget(key);
            return releaseOnHead(threadId, key);
        }
        run.lock().lock();
        try {
            run.requireOpen();
            Snapshot basis = run.basis();
            List<Entry> entries = codec.read(basis);
            if (!basis.exists()) {
                return new Tag(threadId, List.of());
            }
            Claim claim = run.currentClaim();
            try {
                Snapshot deleted = claim == null ? store.delete(basis) : store.delete(claim, basis);
                run.wrote(deleted, null);
            } catch (VersionConflictException moved) {
                throw conflict(threadId, key, basis, moved);
            }
            return new Tag(threadId, decodeAll(key, entries));
        } finally {
            run.lock().unlock();
        }
    }

    /**
     * The fencedstate failure behind {@code thrown}, if there is one. LangGraph4j wraps what a saver throws during a
     * run (in a {@code GraphRunnerException}, inside a {@code CompletionException}); this finds the
     * {@link CheckpointConflictException} (retry the run from a fresh head) or {@link FencedWriteException} (stop:
     * the run was fenced) underneath.
     */
    public static Optional<FencedStateException> fencedCauseOf(Throwable thrown) {
        Objects.requireNonNull(thrown, "thrown");
        // Bounded, because a cause chain can be a cycle.
        Throwable current = thrown;
        for (int depth = 0; current != null && depth < 32; depth++, current = current.getCause()) {
            if (current instanceof FencedStateException fenced) {
                return Optional.of(fenced);
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- introspection

    /**
     * What the saver recorded about each checkpoint of the thread, newest first: its parent, writer and claim epoch.
     * A thread written only through this saver is always one chain: each entry's parent is the next entry.
     */
    public List<StoredCheckpoint> history(String threadId) {
        return codec.read(store.read(keyOf(threadId))).stream().map(Entry::meta).toList();
    }

    /** The store key the thread is kept under. */
    public String keyOf(String threadId) {
        Objects.requireNonNull(threadId, "threadId");
        return Keys.requireValid(keyPrefix + threadId);
    }

    /** The store the saver writes to (its listener sees every put). */
    public FencedStore store() {
        return store;
    }

    /** How many graph threads the calling Java thread holds a drop-in basis for (to check that they do not pile up). */
    int dropInBasesOnThisThread() {
        return dropIn.rememberedOnThisThread();
    }

    @Override
    public String toString() {
        return "FencedCheckpointSaver[" + store + ", keyPrefix=" + keyPrefix + "]";
    }

    // ---------------------------------------------------------------- writes

    /** A run's put: based on the run's basis, under its claim if it has one, never retried. */
    private void putAsRun(FencedRun run, String threadId, String key, Function<List<Entry>, List<Entry>> change) {
        run.lock().lock();
        try {
            run.requireOpen();
            Snapshot basis = run.basis();
            Claim claim = run.currentClaim();
            byte[] value = codec.write(change.apply(codec.read(basis)));
            Snapshot written;
            try {
                // The store checks the claim's epoch first (FencedWriteException), then the basis version.
                written = claim == null ? store.commit(basis, value) : store.commit(claim, basis, value);
            } catch (VersionConflictException moved) {
                throw conflict(threadId, key, basis, moved);
            }
            run.wrote(written, claim == null ? null : renewIfHalfSpent(run, claim, written));
        } finally {
            run.lock().unlock();
        }
    }

    /**
     * A put without a run. If it is a step of a LangGraph4j flow running on this Java thread and the flow has a basis
     * that fits it, it is checked against that basis (see {@link DropInTracker}); otherwise it is appended on the
     * current head. A put that cannot be attributed to a flow first marks its key, so that it cannot make another
     * flow's put look stale when it was that flow's own step, written from another thread.
     */
    private void putWithoutRun(String threadId, String key, Checkpoint checkpoint,
            Function<List<Entry>, List<Entry>> change) {
        GraphCallSite site = detectDropInConflicts ? GraphCallSite.ofPut() : GraphCallSite.OTHER;
        boolean ownThread = site == GraphCallSite.RUN_STEP || site == GraphCallSite.UPDATE_STATE;
        DropInTracker.Basis basis = ownThread ? dropIn.basisFor(key, site, checkpoint.getNodeId()) : null;
        if (!ownThread) {
            dropIn.detachedWrite(key);
        }
        long stamp = dropIn.stamp(key);
        Snapshot written;
        try {
            written = basis == null ? appendOnHead(threadId, key, change) : putOnBasis(threadId, key, basis, change);
        } catch (RuntimeException failed) {
            dropIn.forget(key); // the flow failed here; whatever runs next on this Java thread starts afresh
            throw failed;
        }
        boolean flowEnds = site == GraphCallSite.UPDATE_STATE || StateGraph.END.equals(checkpoint.getNextNodeId());
        if (site == GraphCallSite.RUN_STEP && !flowEnds) {
            dropIn.remember(key, new DropInTracker.Basis(written, stamp, DropInTracker.Origin.RUN_STEP));
        } else {
            dropIn.forget(key);
        }
    }

    /**
     * A drop-in flow's put, based on the head its Java thread read or last wrote. Refused if another writer moved the
     * thread since, unless a write that could not be attributed to a flow moved it: that may have been this flow's own
     * step, so the put is appended, unchecked, as it would be without drop-in detection.
     */
    private Snapshot putOnBasis(String threadId, String key, DropInTracker.Basis basis,
            Function<List<Entry>, List<Entry>> change) {
        Snapshot based = basis.snapshot();
        try {
            return store.commit(based, codec.write(change.apply(codec.read(based))));
        } catch (VersionConflictException moved) {
            // Read after the store saw the move, so a detached write that made it has already bumped the counter.
            if (dropIn.movedByDetachedWrite(key, basis)) {
                return appendOnHead(threadId, key, change);
            }
            throw conflict(threadId, key, based, moved);
        }
    }

    /**
     * A put that is not checked against a basis: appended on the current head. The store's update re-reads and
     * re-applies the change when another write races it, which is safe here because the change is computed from the
     * history it is applied to.
     */
    private Snapshot appendOnHead(String threadId, String key, Function<List<Entry>, List<Entry>> change) {
        try {
            return store.update(key, snapshot -> codec.write(change.apply(codec.read(snapshot))));
        } catch (RetriesExhaustedException exhausted) {
            Snapshot now = store.read(key);
            long based = exhausted.lastConflict().map(VersionConflictException::expectedVersion).orElse(now.version());
            throw new CheckpointConflictException(threadId, key, null, based, headOf(now), now.version(), exhausted);
        }
    }

    /** Deletes the thread's history as it is now; a concurrent put is retried over, as the store's retrier says. */
    private Tag releaseOnHead(String threadId, String key) {
        Snapshot[] lastRead = new Snapshot[1];
        try {
            return store.retrier().call(key, () -> {
                Snapshot current = store.read(key);
                lastRead[0] = current;
                if (!current.exists()) {
                    return new Tag(threadId, List.of());
                }
                List<Entry> entries = codec.read(current);
                store.delete(current);
                return new Tag(threadId, decodeAll(key, entries));
            });
        } catch (RetriesExhaustedException exhausted) {
            throw conflict(threadId, key, lastRead[0], exhausted.lastConflict().orElseThrow());
        }
    }

    private List<Entry> withCheckpoint(List<Entry> entries, Checkpoint checkpoint, byte[] payload,
            Optional<String> replacing, long claimEpoch) {
        List<Entry> next = new ArrayList<>(entries.size() + 1);
        if (replacing.isPresent()) {
            String replacedId = replacing.get();
            int index = indexOf(entries, replacedId);
            if (index < 0) {
                throw new NoSuchElementException("Checkpoint with id " + replacedId + " not found in thread history");
            }
            next.addAll(entries);
            next.set(index, new Entry(meta(checkpoint, entries.get(index).meta().parentId(), claimEpoch), payload));
            return next;
        }
        String parent = entries.isEmpty() ? null : entries.get(0).meta().checkpointId();
        next.add(new Entry(meta(checkpoint, parent, claimEpoch), payload));
        next.addAll(maxCheckpoints > 0 && entries.size() >= maxCheckpoints
                ? entries.subList(0, maxCheckpoints - 1) : entries);
        return next;
    }

    private StoredCheckpoint meta(Checkpoint checkpoint, @Nullable String parentId, long claimEpoch) {
        return new StoredCheckpoint(checkpoint.getId(), parentId, store.writerId(), claimEpoch,
                checkpoint.getNodeId(), checkpoint.getNextNodeId());
    }

    /** Renews a run's claim after a put once less than half its lease is left, by the backend's clock. */
    private @Nullable Claim renewIfHalfSpent(FencedRun run, Claim claim, Snapshot written) {
        Instant now = written.lastCommitAt().orElse(null);
        if (now == null || Duration.between(now, claim.leaseDeadline()).compareTo(
                run.leaseLength().dividedBy(2)) > 0) {
            return null;
        }
        try {
            Duration lease = run.lease();
            return lease == null ? store.renew(claim) : store.renew(claim, lease);
        } catch (FencedWriteException lostAfterWrite) {
            // The put landed under a valid claim; the claim ended just after. The run's next write will be fenced,
            // which is where the run can act on it, so this put still reports success.
            return null;
        }
    }

    // ---------------------------------------------------------------- helpers

    private @Nullable FencedRun runOf(RunnableConfig config) {
        FencedRun run = FencedRun.from(config).orElse(null);
        if (run == null) {
            return null;
        }
        if (run.saver() != this) {
            throw new IllegalArgumentException("the config carries a run of another saver (" + run.saver()
                    + "); open the run with the saver the graph was compiled with");
        }
        String threadId = threadId(config);
        if (!run.threadId().equals(threadId)) {
            throw new IllegalArgumentException("the config is for thread '" + Keys.printable(threadId)
                    + "' but carries a run on thread '" + Keys.printable(run.threadId()) + "'");
        }
        return run;
    }

    private CheckpointConflictException conflict(String threadId, String key, Snapshot basis,
            VersionConflictException moved) {
        Snapshot now = store.read(key);
        return new CheckpointConflictException(threadId, key, headOf(basis), basis.version(), headOf(now),
                now.version(), moved);
    }

    private @Nullable String headOf(Snapshot snapshot) {
        List<Entry> entries = codec.read(snapshot);
        return entries.isEmpty() ? null : entries.get(0).meta().checkpointId();
    }

    private List<Checkpoint> decodeAll(String key, List<Entry> entries) {
        return entries.stream().map(entry -> codec.deserialize(key, entry)).toList();
    }

    private static int indexOf(List<Entry> entries, String checkpointId) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).meta().checkpointId().equals(checkpointId)) {
                return i;
            }
        }
        return -1;
    }

    private static DropInTracker.Origin originOf(GraphCallSite site) {
        return switch (site) {
            case RUN_START -> DropInTracker.Origin.RUN_START;
            case RUN_RESUME -> DropInTracker.Origin.RUN_RESUME;
            case UPDATE_STATE -> DropInTracker.Origin.UPDATE_STATE;
            default -> throw new IllegalArgumentException("not a flow's read: " + site);
        };
    }

    private static long claimEpochOf(FencedRun run) {
        Claim claim = run.currentClaim();
        return claim == null ? 0 : claim.epoch();
    }

    /** Builds a {@link FencedCheckpointSaver}. Only the store is required. */
    public static final class Builder {

        private final FencedStore store;
        private Serializer<Checkpoint> checkpointSerializer = defaultSerializer(
                new ObjectStreamStateSerializer<>(AgentState::new));
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private int maxCheckpoints;
        private boolean requireRun;
        private boolean detectDropInConflicts = true;

        private Builder(FencedStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * The state serializer checkpoints are written with; pass the graph's own
         * ({@code graph.getStateSerializer()}). Default: an {@link ObjectStreamStateSerializer} of plain
         * {@link AgentState}s, which handles {@link java.io.Serializable} values, lists, maps and sets.
         */
        public Builder stateSerializer(StateSerializer<? extends AgentState> stateSerializer) {
            this.checkpointSerializer = defaultSerializer(Objects.requireNonNull(stateSerializer, "stateSerializer"));
            return this;
        }

        /** A serializer for whole checkpoints, instead of {@link #stateSerializer}. */
        public Builder checkpointSerializer(Serializer<Checkpoint> checkpointSerializer) {
            this.checkpointSerializer = Objects.requireNonNull(checkpointSerializer, "checkpointSerializer");
            return this;
        }

        /** The prefix of the keys threads are kept under; default {@value #DEFAULT_KEY_PREFIX}. */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
            return this;
        }

        /** Keep at most this many checkpoints per thread, dropping the oldest; 0 (the default) keeps them all. */
        public Builder maxCheckpoints(int maxCheckpoints) {
            if (maxCheckpoints < 0) {
                throw new IllegalArgumentException("maxCheckpoints must be >= 0, was " + maxCheckpoints);
            }
            this.maxCheckpoints = maxCheckpoints;
            return this;
        }

        /**
         * Refuse puts and releases whose config carries no {@link FencedRun} ({@link IllegalStateException}), so that
         * no writer can append to a thread without being head-checked. Default {@code false}.
         */
        public Builder requireRun(boolean requireRun) {
            this.requireRun = requireRun;
            return this;
        }

        /**
         * Whether puts without a {@link FencedRun} are checked against the head their LangGraph4j flow read on the
         * same Java thread (see the class comment). Default {@code true}. Turn it off to get plain atomic appends for
         * writes without a run, e.g. if an application moves a flow between Java threads in a way that makes one
         * thread's remembered head belong to another flow (the README lists the cases).
         */
        public Builder detectDropInConflicts(boolean detectDropInConflicts) {
            this.detectDropInConflicts = detectDropInConflicts;
            return this;
        }

        public FencedCheckpointSaver build() {
            return new FencedCheckpointSaver(this);
        }

        @SuppressWarnings("unchecked")
        private static Serializer<Checkpoint> defaultSerializer(StateSerializer<? extends AgentState> states) {
            // CheckpointSerializer only hands the state serializer maps it builds with that serializer's own factory.
            return new CheckpointSerializer((StateSerializer<AgentState>) states);
        }
    }
}
