package dev.fencedstate.samples.lostupdate;

import dev.fencedstate.FencedWriteException;
import org.jspecify.annotations.Nullable;

/**
 * How the zombie-writer story ended.
 *
 * @param staleCommitLanded       whether worker A's commit, made after its lease had expired and B had taken over,
 *                                was written
 * @param zombieRejection         the error that stopped A, if fencedstate stopped it
 * @param versionUnchangedAtWake  whether the key was still at the version A had read when A woke, i.e. a version
 *                                check alone could not tell A was stale
 * @param replacementCommitLanded whether worker B's commit, the one that should win, was written
 * @param finalValue              the key's value at the end
 * @param finalVersion            the key's version at the end
 */
record ZombieOutcome(boolean staleCommitLanded, @Nullable FencedWriteException zombieRejection,
        boolean versionUnchangedAtWake, boolean replacementCommitLanded, String finalValue, long finalVersion) {
}
