package dev.fencedstate.spring;

import dev.fencedstate.FencedStore;
import dev.fencedstate.RetryPolicy;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings one store is built with. Every setting left {@code null} is not applied, so the store gets
 * {@link FencedStore.Builder}'s own default for it: defaults live in core, never here. The backend's own settings
 * ({@code backendSettings}) are a value of the type its {@link FencedStorageProvider} declares, so a backend brings
 * its settings with it and this record knows none of them.
 *
 * <p>With Spring Boot, the starter resolves these from {@code fencedstate.*} and {@code fencedstate.stores.<name>.*};
 * without Boot, build them in Java ({@link #of}, then the {@code with...} methods).
 *
 * @param storeName        the store's name (see {@link StoreNames})
 * @param backend          the backend id ({@code files}, {@code memory}, {@code jdbc}, or one a provider adds)
 * @param backendSettings  the backend's own settings, of its provider's {@link FencedStorageProvider#settingsType()},
 *                         or {@code null} for the backend's defaults
 * @param writerId         the writer id recorded with commits and claims; {@code null}: core's generated one
 * @param defaultLease     the lease of claims and renewals made without one; {@code null}: core's default
 * @param maxValueBytes    the largest value accepted, in bytes; {@code null}: core's default
 * @param retryPolicy      how updates retry conflicts, in attempts and time; {@code null}: {@link RetryPolicy#DEFAULT}
 * @param updatesTakeTurns whether updates of one key in this process take turns; {@code null}: core's default (yes)
 */
public record FencedStoreSettings(
        String storeName,
        String backend,
        @Nullable Object backendSettings,
        @Nullable String writerId,
        @Nullable Duration defaultLease,
        @Nullable Integer maxValueBytes,
        @Nullable RetryPolicy retryPolicy,
        @Nullable Boolean updatesTakeTurns) {

    public FencedStoreSettings {
        StoreNames.requireValid(storeName);
        Objects.requireNonNull(backend, "backend");
    }

    /** A store on {@code backend} with every other setting left to its default. */
    public static FencedStoreSettings of(String storeName, String backend) {
        return new FencedStoreSettings(storeName, backend, null, null, null, null, null, null);
    }

    /** The same settings with the backend's own settings. */
    public FencedStoreSettings withBackendSettings(@Nullable Object settings) {
        return new FencedStoreSettings(storeName, backend, settings, writerId, defaultLease, maxValueBytes,
                retryPolicy, updatesTakeTurns);
    }

    /** The same settings with another retry policy. */
    public FencedStoreSettings withRetryPolicy(@Nullable RetryPolicy policy) {
        return new FencedStoreSettings(storeName, backend, backendSettings, writerId, defaultLease, maxValueBytes,
                policy, updatesTakeTurns);
    }

    /** Applies every setting that is set to {@code builder}; the store's name always. */
    public FencedStore.Builder applyTo(FencedStore.Builder builder) {
        builder.name(storeName);
        if (writerId != null) {
            builder.writerId(writerId);
        }
        if (defaultLease != null) {
            builder.defaultLease(defaultLease);
        }
        if (maxValueBytes != null) {
            builder.maxValueBytes(maxValueBytes);
        }
        if (retryPolicy != null) {
            builder.retryPolicy(retryPolicy);
        }
        if (updatesTakeTurns != null) {
            builder.updatesTakeTurns(updatesTakeTurns);
        }
        return builder;
    }
}
