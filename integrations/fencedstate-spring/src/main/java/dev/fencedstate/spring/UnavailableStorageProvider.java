package dev.fencedstate.spring;

import dev.fencedstate.spi.StateStorage;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Stands in for a backend that this application cannot open (a module or a bean is missing), so a store that selects
 * it fails at startup saying what to add, rather than "unknown backend". {@link FencedStores} never lists it among the
 * available backends, and a real provider of the same id wins over it.
 */
record UnavailableStorageProvider(String backend, String reason, String remedy) implements FencedStorageProvider<Void> {

    UnavailableStorageProvider {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(remedy, "remedy");
    }

    @Override
    public Class<Void> settingsType() {
        return Void.class;
    }

    /** Always fails, saying why the backend cannot be used and what to add. */
    @Override
    public StateStorage open(String storeName, @Nullable Void settings) {
        throw new FencedStateConfigurationException("Store '" + storeName + "' uses backend '" + backend
                + "', which this application cannot open: " + reason + ".", remedy);
    }

    @Override
    public String toString() {
        return "UnavailableStorageProvider[" + backend + ": " + reason + "]";
    }
}
