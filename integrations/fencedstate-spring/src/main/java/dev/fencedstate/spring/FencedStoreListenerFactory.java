package dev.fencedstate.spring;

import dev.fencedstate.FencedStoreListener;

/**
 * Attaches a {@link FencedStoreListener} to every store a {@link FencedStores} builds. Metrics and the Actuator
 * endpoint plug in this way; declare a bean of this type to add your own. Listeners run on the writer's thread, must
 * be fast and should not throw (a listener that throws is logged and skipped, never allowed to fail the write).
 */
@FunctionalInterface
public interface FencedStoreListenerFactory {

    /** The listener for the store named {@code storeName}; called once, before the store is built. */
    FencedStoreListener listenerFor(String storeName);
}
