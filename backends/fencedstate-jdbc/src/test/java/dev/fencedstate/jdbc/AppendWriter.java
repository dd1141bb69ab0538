package dev.fencedstate.jdbc;

import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.StorageFailureException;
import java.time.Duration;
import java.util.Optional;

/**
 * Appends entries to an {@link AppendLog} key through {@link FencedStore#update}, and resolves every commit whose
 * outcome is unknown by reading the key back: by the commit id the failure carries (exact while this writer is the
 * key's only writer) and by the entry itself (exact always).
 */
final class AppendWriter {

    enum Outcome {
        /** The commit returned: it is acknowledged and must be in the log for ever. */
        ACKED,
        /** The outcome was unknown; reading back showed the commit landed. */
        LANDED,
        /** The outcome was unknown; reading back showed it did not land. */
        LOST,
        /** The failure said nothing was written. */
        FAILED
    }

    /**
     * @param byCommitId for an unknown outcome: whether the key's commit id was the failed commit's
     * @param byContent  for an unknown outcome: whether the entry was in the log
     */
    record Result(String entry, Outcome outcome, long version, String detail, boolean byCommitId,
            boolean byContent) {

        String line() {
            return outcome + " " + entry + " " + version + " " + detail + " " + byCommitId + " " + byContent;
        }
    }

    private final FencedStore store;
    private final String key;
    private final Duration resolveTimeout;

    AppendWriter(FencedStore store, String key, Duration resolveTimeout) {
        this.store = store;
        this.key = key;
        this.resolveTimeout = resolveTimeout;
    }

    Result append(String entry) throws InterruptedException {
        try {
            Snapshot committed = store.update(key, snapshot -> AppendLog.append(snapshot, entry));
            return new Result(entry, Outcome.ACKED, committed.version(), committed.commitId().orElseThrow(), false,
                    false);
        } catch (StorageFailureException failure) {
            if (failure.outcomeKnown()) {
                return new Result(entry, Outcome.FAILED, -1, "known", false, false);
            }
            Snapshot now = readPatiently();
            boolean byCommitId = now.commitId().equals(Optional.ofNullable(failure.commitId()));
            boolean byContent = AppendLog.entries(now).contains(entry);
            return new Result(entry, byContent ? Outcome.LANDED : Outcome.LOST, now.version(),
                    String.valueOf(failure.commitId()), byCommitId, byContent);
        } catch (FencedStateException conflictOrOther) {
            // e.g. VersionConflict after every retry: known not written.
            return new Result(entry, Outcome.FAILED, -1, conflictOrOther.getClass().getSimpleName(), false, false);
        }
    }

    /** Reads the key, retrying while the database is unreachable (it may be restarting), up to the timeout. */
    Snapshot readPatiently() throws InterruptedException {
        long deadline = System.nanoTime() + resolveTimeout.toNanos();
        while (true) {
            try {
                return store.read(key);
            } catch (StorageFailureException unreachable) {
                if (System.nanoTime() > deadline) {
                    throw unreachable;
                }
                Thread.sleep(50); // waiting for the server to come back, not for ordering
            }
        }
    }
}
