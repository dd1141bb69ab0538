package dev.fencedstate.spring;

import dev.fencedstate.spi.StateStorage;
import java.util.Objects;

/**
 * Stands in for a backend the starter knows but this application cannot open (a module or a bean is missing), so a
 * store that selects it fails at startup saying what to add, rather than "unknown backend". {@link FencedStores}
 * never lists it among the available backends, and a real provider of the same id wins over it.
 */
record UnavailableStorageProvider(String backend, String reason, String remedy) implements FencedStorageProvider {

    UnavailableStorageProvider {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(remedy, "remedy");
    }

    /** Always fails, saying why the backend cannot be used and what to add. */
    @Override
    public StateStorage open(FencedStoreSettings settings) {
        throw new FencedStateConfigurationException("Store '" + settings.storeName() + "' uses backend '" + backend
                + "', which this application cannot open: " + reason + ".", remedy);
    }

    @Override
    public String toString() {
        return "UnavailableStorageProvider[" + backend + ": " + reason + "]";
    }
}
