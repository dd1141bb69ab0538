package dev.fencedstate.spring;

import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.spi.StateStorage;
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
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.retry.RetryTemplate;

/**
 * The stores of the application, one {@link FencedStore} per name, built from the properties on first use (stores
 * named in {@code fencedstate.stores.*} or by a repository are built at startup, so a misconfigured one fails the
 * application before it runs). Every store is built the same way:
 * <ol>
 *   <li>its {@link FencedStoreSettings}: {@code fencedstate.stores.<name>.*} over {@code fencedstate.*};</li>
 *   <li>its storage, opened by the {@link FencedStorageProvider} of its backend;</li>
 *   <li>a listener combining every {@link FencedStoreListenerFactory} (metrics, the Actuator endpoint, yours);</li>
 *   <li>every {@link FencedStoreCustomizer}, last, so customizers win.</li>
 * </ol>
 * Stores are closed when the application context closes.
 */
public class FencedStores implements DisposableBean {

    private static final Log LOG = LogFactory.getLog(FencedStores.class);

    /** One built store with what the starter built it with. */
    public record Entry(FencedStore store, FencedStoreSettings settings, RetryTemplate retryTemplate,
            FencedStoreListener listener) {
    }

    private final Function<String, FencedStoreSettings> settingsResolver;
    private final Map<String, FencedStorageProvider> providers;
    private final List<FencedStoreCustomizer> customizers;
    private final List<FencedStoreListenerFactory> listenerFactories;
    private final RetryTemplate sharedRetryTemplate;
    private final Map<String, Entry> stores = new ConcurrentHashMap<>();
    private final Object creationLock = new Object();
    private volatile boolean closed;

    /**
     * @param settingsResolver    the settings of a store, by name
     * @param eagerStoreNames     stores to build now (configured or used by repositories)
     * @param providers           the backends; at most one per backend id
     * @param customizers         applied in this order, after the settings
     * @param listenerFactories   listeners attached to every store
     * @param sharedRetryTemplate the retry template of stores that do not override retry settings
     */
    public FencedStores(Function<String, FencedStoreSettings> settingsResolver, Collection<String> eagerStoreNames,
            List<FencedStorageProvider> providers, List<FencedStoreCustomizer> customizers,
            List<FencedStoreListenerFactory> listenerFactories, RetryTemplate sharedRetryTemplate) {
        this.settingsResolver = Objects.requireNonNull(settingsResolver, "settingsResolver");
        this.providers = byBackend(providers);
        this.customizers = List.copyOf(customizers);
        this.listenerFactories = List.copyOf(listenerFactories);
        this.sharedRetryTemplate = Objects.requireNonNull(sharedRetryTemplate, "sharedRetryTemplate");
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

    /** The store named {@code name} with its settings, retry template and listener, built now if need be. */
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
        FencedStorageProvider provider = providers.get(settings.backend());
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
        FencedStoreListener listener = CompositeFencedStoreListener.of(name, listeners);
        StateStorage storage = provider.open(settings);
        FencedStore store;
        try {
            FencedStore.Builder builder = FencedStore.builder(storage)
                    .name(name)
                    .defaultLease(settings.defaultLease())
                    .maxValueBytes(settings.maxValueBytes())
                    .retryPolicy(settings.retryPolicy())
                    .listener(listener);
            if (settings.writerId() != null) {
                builder.writerId(settings.writerId());
            }
            for (FencedStoreCustomizer customizer : customizers) {
                customizer.customize(name, builder);
            }
            store = builder.build();
        } catch (IllegalArgumentException e) {
            storage.close();
            throw new FencedStateConfigurationException("Store '" + name + "' cannot be built: " + e.getMessage()
                    + ".", "Fix fencedstate.stores." + name + ".* or fencedstate.* (or the FencedStoreCustomizer "
                    + "that set it).", e);
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
        // A store whose retry settings differ from the shared ones (by property or customizer) gets its own template.
        boolean ownRetry = settings.ownRetrySettings() || !store.retryPolicy().equals(settings.retryPolicy());
        RetryTemplate retryTemplate = ownRetry ? FencedStateRetryTemplates.create(store.retryPolicy())
                : sharedRetryTemplate;
        for (FencedStoreListenerFactory factory : listenerFactories) {
            factory.storeCreated(store);
        }
        LOG.info("fencedstate store '" + name + "' on " + storage.describe() + " (writer " + store.writerId()
                + ", default lease " + settings.defaultLease() + ", " + store.retryPolicy().maxAttempts()
                + " attempts on conflict)");
        return new Entry(store, settings, retryTemplate, listener);
    }

    private static Map<String, FencedStorageProvider> byBackend(List<FencedStorageProvider> providers) {
        Map<String, List<FencedStorageProvider>> grouped = providers.stream()
                .collect(Collectors.groupingBy(FencedStorageProvider::backend, LinkedHashMap::new, Collectors.toList()));
        Map<String, FencedStorageProvider> result = new LinkedHashMap<>();
        grouped.forEach((backend, candidates) -> {
            // A placeholder for a backend the application cannot open yields to a real provider of the same id.
            List<FencedStorageProvider> usable = candidates.stream()
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
