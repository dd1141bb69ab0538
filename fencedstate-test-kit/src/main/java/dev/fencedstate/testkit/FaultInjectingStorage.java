package dev.fencedstate.testkit;

import dev.fencedstate.spi.ForwardingStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A storage that fails or pauses on cue, so that code above the SPI (a store, an adapter, a health check) can be
 * tested against a backend's failures and races without a backend that really fails. Everything not armed goes to
 * the wrapped storage unchanged.
 *
 * <ul>
 *   <li>{@link #failNextRead}: the next read throws; nothing is read.</li>
 *   <li>{@link #failNextCompareAndSetBeforeWrite}: the next compare-and-set throws <em>instead of</em> writing: the
 *       outcome is known, nothing was written (a connection refused before the statement was sent).</li>
 *   <li>{@link #failNextCompareAndSetAfterWrite}: the next compare-and-set is made on the wrapped storage, then
 *       throws: the caller cannot tell whether its write landed, and it did, unless the compare-and-set lost (a
 *       connection lost after the commit, before its acknowledgement).</li>
 *   <li>{@link #pauseBeforeNextCompareAndSet}: a chosen thread's next compare-and-set first waits at a barrier, so two
 *       writers are made to have both read a record before either writes it.</li>
 * </ul>
 *
 * <p>Armed failures are used in the order they were armed, one per call, by whichever thread calls next. Safe for
 * concurrent use.
 *
 * <pre>{@code
 * FaultInjectingStorage storage = new FaultInjectingStorage(new InMemoryStorage(clock));
 * storage.failNextCompareAndSetAfterWrite(new StorageFailureException("plan", "connection lost", false, null, null));
 * }</pre>
 */
public final class FaultInjectingStorage extends ForwardingStorage {

    /** How long a paused thread waits for the barrier's other parties before the test is failed. */
    public static final Duration PAUSE_LIMIT = Duration.ofSeconds(30);

    private final Queue<RuntimeException> readFailures = new ConcurrentLinkedQueue<>();
    private final Queue<WriteFailure> writeFailures = new ConcurrentLinkedQueue<>();
    private final Map<Thread, CyclicBarrier> pauses = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong compareAndSets = new AtomicLong();

    public FaultInjectingStorage(StateStorage delegate) {
        super(delegate);
    }

    /** The next read (by any thread) throws {@code failure} and reads nothing. */
    public FaultInjectingStorage failNextRead(RuntimeException failure) {
        readFailures.add(Objects.requireNonNull(failure, "failure"));
        return this;
    }

    /** The next compare-and-set (by any thread) throws {@code failure} and writes nothing: a known outcome. */
    public FaultInjectingStorage failNextCompareAndSetBeforeWrite(RuntimeException failure) {
        writeFailures.add(new WriteFailure(Objects.requireNonNull(failure, "failure"), false));
        return this;
    }

    /**
     * The next compare-and-set (by any thread) is made on the wrapped storage, and then throws {@code failure}
     * whatever it returned: an unknown outcome, whose write landed unless the compare-and-set lost.
     */
    public FaultInjectingStorage failNextCompareAndSetAfterWrite(RuntimeException failure) {
        writeFailures.add(new WriteFailure(Objects.requireNonNull(failure, "failure"), true));
        return this;
    }

    /**
     * {@code thread}'s next compare-and-set first waits at {@code barrier} (at most {@link #PAUSE_LIMIT}), once.
     * A thread usually arms itself, {@code pauseBeforeNextCompareAndSet(Thread.currentThread(), barrier)}, just
     * before the operation it wants held back.
     */
    public FaultInjectingStorage pauseBeforeNextCompareAndSet(Thread thread, CyclicBarrier barrier) {
        pauses.put(Objects.requireNonNull(thread, "thread"), Objects.requireNonNull(barrier, "barrier"));
        return this;
    }

    /** Reads that reached this storage, failed ones included. */
    public long reads() {
        return reads.get();
    }

    /** Compare-and-sets that reached this storage, failed ones included. */
    public long compareAndSets() {
        return compareAndSets.get();
    }

    @Override
    public StorageRead read(String key) {
        reads.incrementAndGet();
        RuntimeException failure = readFailures.poll();
        if (failure != null) {
            throw failure;
        }
        return delegate().read(key);
    }

    @Override
    public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected, StoredRecord replacement) {
        compareAndSets.incrementAndGet();
        CyclicBarrier barrier = pauses.remove(Thread.currentThread());
        if (barrier != null) {
            await(barrier, replacement.key());
        }
        WriteFailure failure = writeFailures.poll();
        if (failure == null) {
            return delegate().compareAndSet(expected, replacement);
        }
        if (failure.afterWrite()) {
            delegate().compareAndSet(expected, replacement); // landed or lost: the caller is never told which
        }
        throw failure.exception();
    }

    @Override
    public String describe() {
        return "fault-injecting(" + delegate().describe() + ")";
    }

    private static void await(CyclicBarrier barrier, String key) {
        try {
            barrier.await(PAUSE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while paused before the compare-and-set of '" + key + "'", e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("paused before the compare-and-set of '" + key + "', but the barrier's "
                    + "other parties did not all arrive within " + PAUSE_LIMIT + "; nothing was written", e);
        }
    }

    private record WriteFailure(RuntimeException exception, boolean afterWrite) {
    }
}
