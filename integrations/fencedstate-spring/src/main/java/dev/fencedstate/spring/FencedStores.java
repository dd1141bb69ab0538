package dev.fencedstate.spring;

import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.spi.StateStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;

/**
 * The stores of the application, one {@link FencedStore} per name, built on first use (stores named up front, by
 * configuration or by a repository, are built when this registry is, so a misconfigured one fails the application
 * before it runs). Every store is built the same way:
 * <ol>
 *   <li>its {@link FencedStoreSettings}, from the resolver (with Spring Boot: {@code fencedstate.stores.<name>.*}
 *       over {@code fencedstate.*});</li>
 *   <li>its storage, opened by the {@link FencedStorageProvider} of its backend with the backend's own settings;</li>
 *   <li>a listener combining every {@link FencedStoreListenerFactory} (metrics, the Actuator endpoint, yours);</li>
 *   <li>every {@link FencedStoreCustomizer}, last, so customizers win.</li>
 * </ol>
 * Each store built is logged once at INFO: its backend, where its state lives and its retry budget. Stores are closed
 * when the registry is (with the application context).
 */
public class FencedStores implements DisposableBean {

    private static final Log LOG = LogFactory.getLog(FencedStores.class);

    /**
     * One built store with what it was built from.
     *
     * @param location where its state lives, as its provider describes it (a directory, or a table and a store value)
     */
    public record Entry(FencedStore store, FencedStoreSettings settings, String location) {
    }

    private final Function<String, FencedStoreSettings> settingsResolver;
    private final Map<String, FencedStorageProvider<?>> providers;
    private final List<FencedStoreCustomizer> customizers;
    private final List<FencedStoreListenerFactory> listenerFactories;
    private final Map<String, Entry> stores = new ConcurrentHashMap<>();
    private final Object creationLock = new Object();
    private volatile boolean closed;

    /**
     * @param settingsResolver  the settings of a store, by name
     * @param eagerStoreNames   stores to build now (configured or used by repositories)
     * @param providers         the backends; at most one per backend id
     * @param customizers       applied in this order, after the settings
     * @param listenerFactories listeners attached to every store
     */
    public FencedStores(Function<String, FencedStoreSettings> settingsResolver, Collection<String> eagerStoreNames,
            List<? extends FencedStorageProvider<?>> providers, List<FencedStoreCustomizer> customizers,
            List<FencedStoreListenerFactory> listenerFactories) {
        this.settingsResolver = Objects.requireNonNull(settingsResolver, "settingsResolver");
        this.providers = byBackend(providers);
        this.customizers = List.copyOf(customizers);
        this.listenerFactories = List.copyOf(listenerFactories);
        try {
            eagerStoreNames.forEach(this::store);
        } catch (RuntimeException e) {
            destroy();
            throw e;
        }
    }

    /** The store named {@code name}, built now if it is not built yet. */
    public FencedStore store(String name) {
        return entry(name).store();
    }

    /** The store named {@code name} if it has been built; never builds one. */
    public Optional<FencedStore> find(String name) {
        return Optional.ofNullable(stores.get(name)).map(Entry::store);
    }

    /** The store named {@code name} with its settings and location, built now if need be. */
    public Entry entry(String name) {
        Entry existing = stores.get(name);
        if (existing != null) {
            return existing;
        }
        StoreNames.requireValid(name);
        synchronized (creationLock) {
            if (closed) {
                throw new IllegalStateException("fencedstate stores are closed (the application context is closing)");
            }
            Entry entry = stores.get(name);
            if (entry == null) {
                entry = build(name);
                stores.put(name, entry);
            }
            return entry;
        }
    }

    /** The names of the stores built so far, sorted. */
    public SortedSet<String> names() {
        return new TreeSet<>(stores.keySet());
    }

    /** The backend ids that stores can select (not those only known to be unavailable). */
    public SortedSet<String> backends() {
        SortedSet<String> available = new TreeSet<>();
        providers.forEach((backend, provider) -> {
            if (!(provider instanceof UnavailableStorageProvider)) {
                available.add(backend);
            }
        });
        return available;
    }

    /** The provider of a backend id, if there is one (it may be a placeholder that explains why it cannot open). */
    public Optional<FencedStorageProvider<?>> provider(String backend) {
        return Optional.ofNullable(providers.get(backend));
    }

    /** Closes every store's storage. */
    @Override
    public void destroy() {
        synchronized (creationLock) {
            closed = true;
            for (Entry entry : stores.values()) {
                try {
                    entry.store().close();
                } catch (RuntimeException e) {
                    LOG.warn("Could not close fencedstate store '" + entry.store().name() + "'", e);
                }
            }
        }
    }

    private Entry build(String name) {
        FencedStoreSettings settings = settingsResolver.apply(name);
        FencedStorageProvider<?> provider = providers.get(settings.backend());
        if (provider == null) {
            throw new FencedStateConfigurationException("Store '" + name + "' uses backend '" + settings.backend()
                    + "', which no FencedStorageProvider offers (available: " + String.join(", ", backends()) + ").",
                    "Set fencedstate.stores." + name + ".backend or fencedstate.backend to one of those, or add the "
                    + "module that provides '" + settings.backend() + "' (it declares a FencedStorageProvider bean).");
        }
        if (provider instanceof UnavailableStorageProvider unavailable) {
            throw new FencedStateConfigurationException("Store '" + name + "' uses backend '" + settings.backend()
                    + "', which this application cannot open: " + unavailable.reason() + ".", unavailable.remedy()
                    + " Or set fencedstate.stores." + name + ".backend or fencedstate.backend to another backend "
                    + "(available: " + String.join(", ", backends()) + ").");
        }
        List<FencedStoreListener> listeners = new ArrayList<>();
        for (FencedStoreListenerFactory factory : listenerFactories) {
            listeners.add(factory.listenerFor(name));
        }
        StateStorage storage = open(provider, name, settings.backendSettings());
        FencedStore store;
        String location;
        try {
            FencedStore.Builder builder = settings.applyTo(FencedStore.builder(storage))
                    .listener(CompositeFencedStoreListener.of(name, listeners));
            for (FencedStoreCustomizer customizer : customizers) {
                customizer.customize(name, builder);
            }
            store = builder.build();
            location = provider.location(name, storage);
            requireOwnLocation(name, location);
        } catch (IllegalArgumentException e) {
            storage.close();
            throw new FencedStateConfigurationException("Store '" + name + "' cannot be built: " + e.getMessage()
                    + ".", "Fix fencedstate.stores." + name + ".* or fencedstate.* (or the FencedStoreCustomizer "
                    + "that set it).", e);
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
        LOG.info("fencedstate store '" + name + "': backend " + settings.backend() + ", " + location
                + "; retry budget " + describe(store.retryPolicy()) + "; writer " + store.writerId());
        return new Entry(store, settings, location);
    }

    /** Two stores of one application on the same keys would each let their updates take turns, but not together. */
    private void requireOwnLocation(String name, String location) {
        for (Entry other : stores.values()) {
            if (other.location().equals(location)) {
                throw new FencedStateConfigurationException("Stores '" + other.store().name() + "' and '" + name
                        + "' would both keep their keys in " + location + ".", "Give each store a place of its own "
                        + "(a directory, or a table and store value), or use one store name for both.");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <S> StateStorage open(FencedStorageProvider<S> provider, String name, @Nullable Object settings) {
        if (settings != null && !provider.settingsType().isInstance(settings)) {
            throw new FencedStateConfigurationException("Store '" + name + "' has settings of type "
                    + settings.getClass().getName() + " for backend '" + provider.backend() + "', which expects "
                    + provider.settingsType().getName() + ".", "Pass the backend's own settings type.");
        }
        return provider.open(name, (S) settings);
    }

    /** A retry policy in a sentence: {@code 10 attempts within 5 s, waits from 2 ms doubling to 200 ms, jitter 0.5}. */
    static String describe(RetryPolicy policy) {
        return policy.maxAttempts() + " attempt" + (policy.maxAttempts() == 1 ? "" : "s")
                + (policy.hasTimeLimit() ? " within " + human(policy.maxElapsed()) : " (no time limit)")
                + ", waits from " + human(policy.initialBackoff()) + " growing x" + policy.multiplier() + " to "
                + human(policy.maxBackoff()) + ", jitter " + policy.jitter();
    }

    private static String human(Duration duration) {
        if (duration.toNanos() % 1_000_000 != 0 || duration.isZero()) {
            return duration.isZero() ? "0 ms" : duration.toNanos() / 1000.0 + " µs";
        }
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static Map<String, FencedStorageProvider<?>> byBackend(List<? extends FencedStorageProvider<?>> providers) {
        Map<String, List<FencedStorageProvider<?>>> grouped = providers.stream().collect(
                Collectors.groupingBy(FencedStorageProvider::backend, LinkedHashMap::new, Collectors.toList()));
        Map<String, FencedStorageProvider<?>> result = new LinkedHashMap<>();
        grouped.forEach((backend, candidates) -> {
            // A placeholder for a backend the application cannot open yields to a real provider of the same id.
            List<FencedStorageProvider<?>> usable = candidates.stream()
                    .filter(provider -> !(provider instanceof UnavailableStorageProvider)).toList();
            if (usable.size() > 1) {
                throw new FencedStateConfigurationException("Several FencedStorageProvider beans offer backend '"
                        + backend + "': " + usable + ".", "Keep one provider per backend id.");
            }
            result.put(backend, usable.isEmpty() ? candidates.get(0) : usable.get(0));
        });
        return result;
    }
}
