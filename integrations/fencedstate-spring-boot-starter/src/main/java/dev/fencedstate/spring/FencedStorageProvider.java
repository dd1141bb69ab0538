package dev.fencedstate.spring;

import dev.fencedstate.spi.StateStorage;

/**
 * Opens the storage of a store for one backend id. This is the extension point for backends: the starter ships
 * providers for {@code files}, {@code memory} and, when {@code fencedstate-jdbc} and a {@code DataSource} are present,
 * {@code jdbc}; any other backend declares a bean of this type, and a store selects it with
 * {@code fencedstate.backend} or {@code fencedstate.stores.<name>.backend}.
 *
 * <p>Each store gets its own storage, opened once and closed when the application context closes.
 */
public interface FencedStorageProvider {

    /** The backend id stores select this provider by, e.g. {@code files}. Lowercase; unique among providers. */
    String backend();

    /** Opens the storage for one store. Fails fast (at startup) if the backend cannot be reached or used. */
    StateStorage open(FencedStoreSettings settings);

    /**
     * A placeholder for a backend id that this application cannot open, for example because a module or a bean it
     * needs is missing. A store that selects it fails at startup with {@code reason} and {@code remedy} (what to add)
     * instead of an "unknown backend" error. It is not listed among the available backends, and a real provider
     * of the same id wins over it, so it never gets in the way of one.
     *
     * @param backend the backend id, e.g. {@code jdbc}
     * @param reason  why it cannot be opened, a clause such as "it needs a DataSource bean, and the application has none"
     * @param remedy  what to add or change, in full sentences
     */
    static FencedStorageProvider unavailable(String backend, String reason, String remedy) {
        return new UnavailableStorageProvider(backend, reason, remedy);
    }
}
