package dev.fencedstate.langgraph4j;

import dev.fencedstate.Snapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.bsc.langgraph4j.StateGraph;
import org.jspecify.annotations.Nullable;

/**
 * What a saver used without {@link FencedRun}s remembers so that a stale put is refused anyway: for each Java thread
 * and each graph thread (store key), the head that Java thread's current LangGraph4j flow started from or last wrote.
 *
 * <h2>Why per Java thread</h2>
 * LangGraph4j runs a flow's reads and puts on one Java thread when it is consumed synchronously: {@code updateState}
 * reads the head and puts on the caller's thread; {@code invoke}, and {@code stream} iterated by its caller, read the
 * head when the run is created and put each checkpoint from the run's {@code next()} on that same thread. While such
 * a flow is running, no other flow runs on that Java thread. So "the head this Java thread last read or wrote for this
 * graph thread" is the head this flow works from, and a put that finds the thread elsewhere is a lost update.
 *
 * <h2>What keeps it from refusing a put that is not stale</h2>
 * <ul>
 *   <li>Only a flow's own calls set or use a basis ({@link GraphCallSite}): a state reader on a Java thread does not
 *       set one, and a put made from a future's callback on another thread (an asynchronous node, a parallel node's
 *       executor) does not use one: that thread's record, if any, belongs to some earlier flow.</li>
 *   <li>A put of that second kind moves the head under the flow it belongs to, which is still running on its own Java
 *       thread, and cannot be told from another flow's write. So it bumps a counter for its key first, and a basis
 *       stamped before the bump no longer condemns a put: that put is appended unchecked and the flow is checked
 *       again from there on. This may let a real conflict through; it never invents one.</li>
 *   <li>A basis only fits the put it was taken for: a run's first checkpoint ({@code __START__}) needs the read that
 *       created the run, an {@code updateState} put needs the {@code updateState} read, a later checkpoint needs a
 *       resume read or the run's previous checkpoint. A basis left over from an earlier flow that ended without
 *       finishing (interrupted, failed) is therefore not used for the first checkpoint of a new run.</li>
 * </ul>
 *
 * <h2>Bounded</h2>
 * A flow's basis is removed when the flow ends (its {@code __END__} checkpoint, its {@code updateState} put, any
 * failed put, a release), the thread-local map is dropped when empty, and each Java thread keeps at most
 * {@value #MAX_KEYS_PER_THREAD} graph threads (the least recently used goes first: its flow is then appended
 * unchecked, never refused). The counters are a fixed array of {@value #STRIPES} stripes, shared by keys that hash
 * alike (a collision only switches a check off).
 */
final class DropInTracker {

    static final int MAX_KEYS_PER_THREAD = 16;
    static final int STRIPES = 64;

    /** Where a basis came from, to match it with the put it is for. */
    enum Origin { RUN_START, RUN_RESUME, UPDATE_STATE, RUN_STEP }

    /**
     * @param snapshot the thread as the flow read or wrote it: its next put is a compare-and-set against it, so the
     *                 store itself detects (and reports to its listener) a conflict, exactly as for a run
     * @param stamp    the key's stripe counter when the snapshot was taken (read before taking it)
     * @param origin   what took it
     */
    record Basis(Snapshot snapshot, long stamp, Origin origin) {
    }

    private final ThreadLocal<@Nullable Map<String, Basis>> bases = new ThreadLocal<>();
    private final AtomicLongArray detachedWrites = new AtomicLongArray(STRIPES);

    /** The key's counter now; take it before reading or writing the version a basis will hold. */
    long stamp(String key) {
        return detachedWrites.get(stripe(key));
    }

    /** A put that cannot be attributed to a flow is about to write the key. */
    void detachedWrite(String key) {
        detachedWrites.incrementAndGet(stripe(key));
    }

    /** Whether a detached write may have moved the key since {@code basis} was taken. */
    boolean movedByDetachedWrite(String key, Basis basis) {
        return stamp(key) != basis.stamp();
    }

    /** The basis of this Java thread's flow on the key, if it fits a put of this kind; else null (append unchecked). */
    @Nullable Basis basisFor(String key, GraphCallSite site, String nodeId) {
        Map<String, Basis> mine = bases.get();
        Basis basis = mine == null ? null : mine.get(key);
        if (basis == null) {
            return null;
        }
        boolean fits = switch (site) {
            case UPDATE_STATE -> basis.origin() == Origin.UPDATE_STATE;
            case RUN_STEP -> StateGraph.START.equals(nodeId)
                    ? basis.origin() == Origin.RUN_START
                    : basis.origin() == Origin.RUN_RESUME || basis.origin() == Origin.RUN_STEP;
            default -> false;
        };
        return fits ? basis : null;
    }

    /** This Java thread's flow now works from {@code basis} (a read that starts a flow, or the flow's last put). */
    void remember(String key, Basis basis) {
        Map<String, Basis> mine = bases.get();
        if (mine == null) {
            mine = new LinkedHashMap<>(8, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Basis> eldest) {
                    return size() > MAX_KEYS_PER_THREAD;
                }
            };
            bases.set(mine);
        }
        mine.put(key, basis);
    }

    /** This Java thread's flow on the key ended (or failed): forget its basis. */
    void forget(String key) {
        Map<String, Basis> mine = bases.get();
        if (mine != null && mine.remove(key) != null && mine.isEmpty()) {
            bases.remove();
        }
    }

    /** How many graph threads this Java thread has a basis for (for tests). */
    int rememberedOnThisThread() {
        Map<String, Basis> mine = bases.get();
        return mine == null ? 0 : mine.size();
    }

    private static int stripe(String key) {
        return Math.floorMod(key.hashCode(), STRIPES);
    }
}
