package dev.fencedstate.spring;

import dev.fencedstate.spi.StateStorage;

/**
 * Opens the storage of a store for one backend id. This is the extension point for backends: the starter ships
 * providers for {@code files} and {@code memory}; a backend module (the PostgreSQL backend, {@code fencedstate-jdbc},
 * is meant to contribute {@code jdbc} this way) declares a bean of this type, and a store selects it with
 * {@code fencedstate.backend} or {@code fencedstate.stores.<name>.backend}.
 *
 * <p>Each store gets its own storage, opened once and closed when the application context closes.
 */
public interface FencedStorageProvider {

    /** The backend id stores select this provider by, e.g. {@code files}. Lowercase; unique among providers. */
    String backend();

    /** Opens the storage for one store. Fails fast (at startup) if the backend cannot be reached or used. */
    StateStorage open(FencedStoreSettings settings);
}
