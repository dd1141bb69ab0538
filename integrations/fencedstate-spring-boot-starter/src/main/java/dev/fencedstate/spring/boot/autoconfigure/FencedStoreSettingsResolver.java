package dev.fencedstate.spring.boot.autoconfigure;

import dev.fencedstate.RetryPolicy;
import dev.fencedstate.spring.FencedStateConfigurationException;
import dev.fencedstate.spring.FencedStorageProvider;
import dev.fencedstate.spring.FencedStoreSettings;
import dev.fencedstate.spring.StoreNames;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.util.unit.DataSize;

/**
 * Resolves a store's {@link FencedStoreSettings} from the properties: each setting from
 * {@code fencedstate.stores.<name>.*}, else {@code fencedstate.*}, else left unset (core's default). The backend's own
 * settings are bound into its provider's settings type from {@code fencedstate.<backend>.*}, then overlaid with
 * {@code fencedstate.stores.<name>.<backend>.*}; each level is checked by the provider first, so a bad value fails
 * startup naming its property.
 */
final class FencedStoreSettingsResolver implements Function<String, FencedStoreSettings> {

    private final FencedStateProperties properties;
    private final Binder binder;
    private final List<FencedStorageProvider<?>> providers;

    /**
     * @param providers the backends (a store on an unknown backend fails later, when it is built, listing the
     *                  available ones)
     */
    FencedStoreSettingsResolver(FencedStateProperties properties, Binder binder,
            List<? extends FencedStorageProvider<?>> providers) {
        this.properties = Objects.requireNonNull(properties, "properties");
        this.binder = Objects.requireNonNull(binder, "binder");
        this.providers = List.copyOf(providers);
    }

    /**
     * Checks what can be checked before any store is built: store names, every configured store's settings, and the
     * global settings of every backend.
     *
     * @throws FencedStateConfigurationException naming the property to change
     */
    void validate() {
        for (String name : storeNames()) {
            if (!StoreNames.isValid(name)) {
                throw new FencedStateConfigurationException("Invalid store name '" + name
                        + "' under fencedstate.stores.", "Rename it: store names are 1 to 64 lowercase letters, "
                        + "digits, '_' or '-', starting with a letter or digit.");
            }
        }
        globalRetryPolicy();
        for (FencedStorageProvider<?> provider : providers) {
            sharedBackendSettings(provider);
            // Every store's own settings of every backend, also of backends it does not use (yet): a typo in a
            // table name should fail now, not when the store moves to that backend.
            for (String name : storeNames()) {
                bindChecked(provider, "fencedstate.stores." + name + "." + provider.backend(),
                        "fencedstate.stores[" + name + "]." + provider.backend());
            }
        }
        storeNames().forEach(this::apply);
    }

    /**
     * The stores named under {@code fencedstate.stores}: those with settings of the common shape, and those with only
     * backend settings (which {@link FencedStateProperties} does not bind).
     */
    Set<String> storeNames() {
        Set<String> names = new TreeSet<>(properties.getStores().keySet());
        binder.bind("fencedstate.stores", Bindable.mapOf(String.class, Object.class))
                .ifBound(stores -> names.addAll(stores.keySet()));
        return names;
    }

    /** The retry policy of {@code fencedstate.retry.*} over core's default, without any store's overrides. */
    RetryPolicy globalRetryPolicy() {
        RetryPolicy policy = retryPolicy(null, new FencedStoreProperties.Retry(), "fencedstate.retry.*");
        return policy != null ? policy : RetryPolicy.DEFAULT;
    }

    @Override
    public FencedStoreSettings apply(String storeName) {
        StoreNames.requireValid(storeName);
        FencedStoreProperties configured = properties.getStores().get(storeName);
        FencedStoreProperties own = configured != null ? configured : new FencedStoreProperties();
        String prefix = "fencedstate.stores." + storeName + ".";
        String backend = Objects.requireNonNull(first(own.getBackend(), properties.getBackend(),
                FencedStateProperties.DEFAULT_BACKEND)).trim().toLowerCase(Locale.ROOT);

        Duration lease = first(own.getDefaultLease(), properties.getDefaultLease(), null);
        if (lease != null && (lease.isNegative() || lease.isZero())) {
            throw invalid(storeName, own.getDefaultLease() != null ? prefix + "default-lease"
                    : "fencedstate.default-lease", "must be a positive duration, was " + lease);
        }
        DataSize maxSize = first(own.getMaxValueSize(), properties.getMaxValueSize(), null);
        if (maxSize != null && (maxSize.isNegative() || maxSize.toBytes() > Integer.MAX_VALUE)) {
            throw invalid(storeName, own.getMaxValueSize() != null ? prefix + "max-value-size"
                    : "fencedstate.max-value-size", "must be between 0 and " + Integer.MAX_VALUE + " bytes, was "
                    + maxSize);
        }
        RetryPolicy policy = retryPolicy(storeName, own.getRetry(), own.getRetry().isEmpty() ? "fencedstate.retry.*"
                : prefix + "retry.* (over fencedstate.retry.*)");
        return new FencedStoreSettings(storeName, backend, backendSettings(storeName, backend),
                first(own.getWriterId(), properties.getWriterId(), null), lease,
                maxSize == null ? null : (int) maxSize.toBytes(), policy,
                first(own.getUpdatesTakeTurns(), properties.getUpdatesTakeTurns(), null));
    }

    /** The store's retry settings over the global ones over core's {@link RetryPolicy#DEFAULT}; null if none is set. */
    private @Nullable RetryPolicy retryPolicy(@Nullable String storeName, FencedStoreProperties.Retry own,
            String properties) {
        FencedStoreProperties.Retry global = this.properties.getRetry();
        if (own.isEmpty() && global.isEmpty()) {
            return null;
        }
        RetryPolicy core = RetryPolicy.DEFAULT;
        try {
            return new RetryPolicy(
                    Objects.requireNonNull(first(own.getMaxAttempts(), global.getMaxAttempts(), core.maxAttempts())),
                    Objects.requireNonNull(first(own.getInitialBackoff(), global.getInitialBackoff(),
                            core.initialBackoff())),
                    Objects.requireNonNull(first(own.getMultiplier(), global.getMultiplier(), core.multiplier())),
                    Objects.requireNonNull(first(own.getMaxBackoff(), global.getMaxBackoff(), core.maxBackoff())),
                    Objects.requireNonNull(first(own.getJitter(), global.getJitter(), core.jitter())),
                    Objects.requireNonNull(first(own.getMaxElapsed(), global.getMaxElapsed(), core.maxElapsed())));
        } catch (IllegalArgumentException e) {
            String what = properties + " " + e.getMessage();
            throw storeName == null
                    ? new FencedStateConfigurationException("Invalid " + what + ".", "Change fencedstate.retry.*.")
                    : invalid(storeName, properties, e.getMessage());
        }
    }

    /** The global settings of a backend, checked; a fresh object each call, so stores never share one. */
    private @Nullable Object sharedBackendSettings(FencedStorageProvider<?> provider) {
        return bindChecked(provider, "fencedstate." + provider.backend(), null);
    }

    private @Nullable Object backendSettings(String storeName, String backend) {
        // A placeholder for a backend the application cannot open has no settings; a real provider of its id wins.
        FencedStorageProvider<?> provider = providers.stream()
                .filter(candidate -> candidate.backend().equals(backend) && candidate.settingsType() != Void.class)
                .findFirst().orElse(null);
        if (provider == null) {
            return null;
        }
        String ownPrefix = "fencedstate.stores." + storeName + "." + backend;
        // The store's own level alone, so that a bad value is reported under the property that set it.
        bindChecked(provider, ownPrefix, "fencedstate.stores[" + storeName + "]." + backend);
        Object settings = sharedBackendSettings(provider);
        Object merged = settings != null ? settings : BeanUtils.instantiateClass(provider.settingsType());
        overlay(merged, "fencedstate.stores[" + storeName + "]." + backend);
        return merged;
    }

    private <S> @Nullable S bindChecked(FencedStorageProvider<S> provider, String prefix, @Nullable String bindName) {
        if (provider.settingsType() == Void.class) {
            return null;
        }
        S bound = binder.bind(bindName != null ? bindName : prefix, Bindable.of(provider.settingsType())).orElse(null);
        if (bound != null) {
            provider.validate(bound, prefix);
        }
        return bound;
    }

    /** Binds what is set under {@code name} onto {@code settings}, leaving everything else as it is. */
    private void overlay(Object settings, String name) {
        binder.bind(name, Bindable.ofInstance(settings));
    }

    private static FencedStateConfigurationException invalid(String storeName, String property, @Nullable String why) {
        return new FencedStateConfigurationException("Invalid settings for store '" + storeName + "': " + property
                + " " + why + ".", "Change " + property + ".");
    }

    private static <T> @Nullable T first(@Nullable T own, @Nullable T global, @Nullable T fallback) {
        return own != null ? own : global != null ? global : fallback;
    }

    @Override
    public String toString() {
        return "FencedStoreSettingsResolver" + List.of(properties.getStores().keySet());
    }
}
