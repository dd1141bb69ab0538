package dev.fencedstate.spring;

import dev.fencedstate.spi.StateStorage;
import org.jspecify.annotations.Nullable;

/**
 * Opens the storage of a store for one backend id: the extension point for backends. fencedstate-spring ships
 * providers for {@code files}, {@code memory} and {@code jdbc} (in {@code dev.fencedstate.spring.storage}); any other
 * backend declares a bean of this type, and a store selects it by its id.
 *
 * <p><b>A backend owns its settings.</b> {@link #settingsType()} names a JavaBean (public no-argument constructor,
 * getters and setters) holding them. With Spring Boot, the starter binds it from {@code fencedstate.<backend>.*} and
 * then, for each store, overlays {@code fencedstate.stores.<name>.<backend>.*} on it, one setting at a time; the
 * provider receives the result in {@link #open}. A third-party backend therefore brings its own properties (and its
 * own configuration metadata) without any change here. A backend without settings declares {@code Void}.
 *
 * <p>Each store gets its own storage, opened once and closed when its {@link FencedStores} closes.
 *
 * @param <S> the type of the backend's own settings
 */
public interface FencedStorageProvider<S> {

    /**
     * The backend id stores select this provider by, e.g. {@code files}; also the name of its properties. Lowercase
     * letters and digits; unique among providers.
     */
    String backend();

    /** The type of the backend's settings, or {@code Void.class} if it has none. */
    Class<S> settingsType();

    /**
     * Checks settings bound from {@code propertyPrefix} (e.g. {@code fencedstate.jdbc}) before any store opens, so a
     * bad value fails startup naming its property. Does nothing by default.
     *
     * @throws FencedStateConfigurationException naming the property to change
     */
    default void validate(S settings, String propertyPrefix) {
    }

    /**
     * Opens the storage for one store. Fails fast (at startup) if the backend cannot be reached or used.
     *
     * @param storeName the store's name
     * @param settings  the backend's settings for this store, or {@code null} if none were given (use the defaults)
     */
    StateStorage open(String storeName, @Nullable S settings);

    /**
     * Where the state of store {@code storeName} lives, for the start-up log and for operators: a directory, or a
     * table and a store value. No two stores of one application may have the same location. By default the
     * storage's own description.
     */
    default String location(String storeName, StateStorage storage) {
        return storage.describe();
    }

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
    static FencedStorageProvider<Void> unavailable(String backend, String reason, String remedy) {
        return new UnavailableStorageProvider(backend, reason, remedy);
    }
}
