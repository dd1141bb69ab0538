package dev.fencedstate.spring;

import dev.fencedstate.FencedStore;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Adjusts a store's builder after its {@link FencedStoreSettings} have been applied, so a customizer wins over the
 * settings (with Spring Boot: over both {@code fencedstate.stores.<name>.*} and {@code fencedstate.*}). Declare
 * customizers as beans; they run in {@link org.springframework.core.annotation.Order} order for every store
 * {@link FencedStores} builds.
 *
 * <p>{@link FencedStores} sets the builder's listener (metrics, the Actuator endpoint, any
 * {@link FencedStoreListenerFactory} beans). A customizer that calls {@code listener(...)} replaces all of those;
 * to add a listener, declare a {@link FencedStoreListenerFactory} bean instead.
 */
@FunctionalInterface
public interface FencedStoreCustomizer {

    void customize(String storeName, FencedStore.Builder builder);

    /** A customizer applied only to the store named {@code storeName}. */
    static FencedStoreCustomizer forStore(String storeName, Consumer<FencedStore.Builder> customization) {
        Objects.requireNonNull(storeName, "storeName");
        Objects.requireNonNull(customization, "customization");
        return (name, builder) -> {
            if (name.equals(storeName)) {
                customization.accept(builder);
            }
        };
    }
}
