package dev.fencedstate.spring;

import java.util.function.Supplier;

/**
 * Wraps each write a {@link FencedRepository} makes ({@code update}, {@code delete}, a commit or delete under a
 * claim), for tracing. The operation runs inside {@link #observe}, which must call it exactly once and return or
 * rethrow what it did; fencedstate exceptions reach it untranslated. The Spring Boot starter declares one over
 * Micrometer's Observation API (fencedstate-micrometer's {@code FencedStateObservations}) when the application has
 * an {@code ObservationRegistry}; declare a bean of this type to use another.
 */
public interface FencedOperationObserver {

    /** Runs every operation as it is. */
    FencedOperationObserver NONE = new FencedOperationObserver() {
        @Override
        public <T> T observe(String storeName, String operation, String key, Supplier<T> work) {
            return work.get();
        }
    };

    /**
     * Runs {@code work}, the repository operation {@code operation} ({@code update}, {@code delete}, {@code commit})
     * on {@code key} of store {@code storeName}.
     */
    <T> T observe(String storeName, String operation, String key, Supplier<T> work);
}
