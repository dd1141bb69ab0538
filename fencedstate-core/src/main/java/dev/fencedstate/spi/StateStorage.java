package dev.fencedstate.spi;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The storage SPI: the one small atomic primitive a backend has to provide. The whole protocol (claims, epochs,
 * fencing, version checks, retries) lives in {@link dev.fencedstate.FencedStore} and is written once.
 *
 * <p>Implementations must be safe for concurrent use by many threads, and, where the backend is shared (files,
 * a database), by many processes.
 *
 * <p>Errors: an I/O or connection failure is a {@link dev.fencedstate.StorageFailureException} (saying whether the
 * write may have happened); a stored record that cannot be decoded is a
 * {@link dev.fencedstate.CorruptStateException} or {@link dev.fencedstate.UnsupportedFormatException}, and the
 * record is left as it is.
 */
public interface StateStorage extends AutoCloseable {

    /** Reads a key's record and the backend's current time. Never blocks on writers. */
    StorageRead read(String key);

    /**
     * Writes {@code replacement} only if the key's stored record is still {@code expected}: compared by
     * {@link StoredRecord#revision()}, or, if {@code expected} is {@code null}, only if the key has no record. The
     * check and the write are one atomic step, for all threads and processes sharing the backend, and a write that
     * returned a record is durable (for a persistent backend).
     *
     * <p><b>Commit time.</b> A replacement that {@linkplain StoredRecord#awaitsCommitTime() awaits its commit time}
     * (a commit id but no commit time) is stamped by the backend: it stores, and returns,
     * {@link StoredRecord#withCommitTime the same record} with its own clock's time at the write, the clock that
     * {@link #read} reports. Any other replacement is stored exactly as given. So a commit's time is when it was
     * written, even if the checks it passed were made on a record read long before.
     *
     * @return the record as stored; {@code null} if the record had changed, in which case nothing was written
     */
    @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected, StoredRecord replacement);

    /** Every key that has a record (including deleted keys, whose record keeps their version and epoch), sorted. */
    List<String> keys();

    /** A short human-readable description for logs and health checks, e.g. {@code files:/var/lib/agents/state}. */
    String describe();

    /** Releases resources; the default does nothing. */
    @Override
    default void close() {
    }
}
