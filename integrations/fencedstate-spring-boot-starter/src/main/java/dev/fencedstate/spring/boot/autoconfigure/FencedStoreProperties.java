package dev.fencedstate.spring.boot.autoconfigure;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

/**
 * The settings of a store, the one shape of both the globals ({@code fencedstate.*}, which {@link FencedStateProperties}
 * extends) and each store's own ({@code fencedstate.stores.<name>.*}). Every setting is unset unless given: a store
 * takes its own value, else the global one, else the default of core's {@code FencedStore.Builder} (or, for the
 * backend, {@value FencedStateProperties#DEFAULT_BACKEND}). The backend's own settings are the backend's:
 * {@code fencedstate.<backend>.*} and {@code fencedstate.stores.<name>.<backend>.*}, bound into its provider's settings
 * type.
 */
public class FencedStoreProperties {

    /**
     * Backend: 'files' (a directory that the processes of one host share), 'memory' (this process only, lost at
     * exit) or 'jdbc' (a PostgreSQL table that any number of hosts share; needs fencedstate-jdbc and a DataSource
     * bean). Backend modules add more ids.
     */
    private @Nullable String backend;

    /** Writer id recorded with commits and claims. Unset: host/pid/random, unique per process. */
    private @Nullable String writerId;

    /** Lease of claims taken without an explicit lease, and of renewals. */
    private @Nullable Duration defaultLease;

    /** Largest value a store accepts. */
    private @Nullable DataSize maxValueSize;

    /**
     * Whether updates of one key from this process take turns, so that they never conflict with each other (retries
     * are then spent only on other processes). Leave it on; off only to measure what it saves.
     */
    private @Nullable Boolean updatesTakeTurns;

    private final Retry retry = new Retry();

    public @Nullable String getBackend() {
        return backend;
    }

    public void setBackend(@Nullable String backend) {
        this.backend = backend;
    }

    public @Nullable String getWriterId() {
        return writerId;
    }

    public void setWriterId(@Nullable String writerId) {
        this.writerId = writerId;
    }

    public @Nullable Duration getDefaultLease() {
        return defaultLease;
    }

    public void setDefaultLease(@Nullable Duration defaultLease) {
        this.defaultLease = defaultLease;
    }

    public @Nullable DataSize getMaxValueSize() {
        return maxValueSize;
    }

    public void setMaxValueSize(@Nullable DataSize maxValueSize) {
        this.maxValueSize = maxValueSize;
    }

    public @Nullable Boolean getUpdatesTakeTurns() {
        return updatesTakeTurns;
    }

    public void setUpdatesTakeTurns(@Nullable Boolean updatesTakeTurns) {
        this.updatesTakeTurns = updatesTakeTurns;
    }

    public Retry getRetry() {
        return retry;
    }

    /**
     * How updates retry version conflicts (never fenced writes): at most max-attempts attempts within max-elapsed,
     * waiting between them. Unset settings keep core's RetryPolicy.DEFAULT.
     */
    public static class Retry {

        /** Attempts in all for an update that meets version conflicts; 1 means no retry. */
        private @Nullable Integer maxAttempts;

        /**
         * Time budget of one update, waits and attempts included (and the wait for its turn behind other updates of
         * the key in this process): no attempt starts that it cannot cover.
         */
        private @Nullable Duration maxElapsed;

        /** Wait before the second attempt, before jitter. */
        private @Nullable Duration initialBackoff;

        /** Growth of the wait from one attempt to the next, at least 1. */
        private @Nullable Double multiplier;

        /** Cap on any one wait, before jitter. */
        private @Nullable Duration maxBackoff;

        /** Fraction of each wait that is randomised, from 0 (none) to 1 (anywhere between 0 and the wait). */
        private @Nullable Double jitter;

        boolean isEmpty() {
            return maxAttempts == null && maxElapsed == null && initialBackoff == null && multiplier == null
                    && maxBackoff == null && jitter == null;
        }

        public @Nullable Integer getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(@Nullable Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public @Nullable Duration getMaxElapsed() {
            return maxElapsed;
        }

        public void setMaxElapsed(@Nullable Duration maxElapsed) {
            this.maxElapsed = maxElapsed;
        }

        public @Nullable Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(@Nullable Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public @Nullable Double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(@Nullable Double multiplier) {
            this.multiplier = multiplier;
        }

        public @Nullable Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(@Nullable Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public @Nullable Double getJitter() {
            return jitter;
        }

        public void setJitter(@Nullable Double jitter) {
            this.jitter = jitter;
        }
    }
}
