package dev.fencedstate.spring.repository;

import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.Keys;
import dev.fencedstate.VersionConflictException;
import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.retry.Retryable;

/**
 * One whole read, compute and commit, as the unit a {@code RetryTemplate} repeats. It reports each retry to the
 * store's listener itself, so retries are counted whichever RetryTemplate runs it (the application may replace the
 * starter's): the backoff reported is the time actually waited since the conflict.
 */
final class ConflictRetryable<R> implements Retryable<R> {

    private final String name;
    private final String key;
    private final FencedStoreListener listener;
    private final Supplier<R> attempt;
    private int attempts;
    private @Nullable VersionConflictException lastConflict;
    private long lastConflictNanos;

    ConflictRetryable(String operation, String storeName, String key, FencedStoreListener listener,
            Supplier<R> attempt) {
        this.name = "fencedstate " + operation + " " + storeName + "/" + Keys.printable(key);
        this.key = key;
        this.listener = listener;
        this.attempt = attempt;
    }

    @Override
    public R execute() {
        attempts++;
        VersionConflictException previous = lastConflict;
        if (previous != null) {
            listener.onRetry(key, attempts - 1, Duration.ofNanos(System.nanoTime() - lastConflictNanos), previous);
        }
        try {
            return attempt.get();
        } catch (VersionConflictException conflict) {
            lastConflict = conflict;
            lastConflictNanos = System.nanoTime();
            throw conflict;
        }
    }

    @Override
    public String getName() {
        return name;
    }

    /** Attempts made so far. */
    int attempts() {
        return attempts;
    }
}
