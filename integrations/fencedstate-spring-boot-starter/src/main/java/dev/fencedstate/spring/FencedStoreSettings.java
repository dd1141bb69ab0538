package dev.fencedstate.spring;

import dev.fencedstate.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings one store is built with: its own {@code fencedstate.stores.<name>.*} values where set, the global
 * {@code fencedstate.*} values otherwise. A {@link FencedStoreCustomizer} runs after these are applied and wins over
 * both.
 *
 * @param storeName        the store's name
 * @param backend          the backend id ({@code files}, {@code memory}, or one a {@link FencedStorageProvider} adds)
 * @param writerId         the writer id recorded with commits and claims, or {@code null} for core's generated one
 * @param defaultLease     the lease of claims and renewals made without an explicit lease
 * @param maxValueBytes    the largest value accepted, in bytes
 * @param retryPolicy      how conflicts are retried
 * @param ownRetrySettings whether the store overrides any retry setting (then it gets its own RetryTemplate instead
 *                         of the shared {@code fencedStateRetryTemplate} bean)
 * @param filesDirectory   the state directory, for the {@code files} backend
 * @param filesLockTimeout how long a write waits for a key's file lock, for the {@code files} backend
 * @param jdbcTable        the records table ({@code table} or {@code schema.table}), for the {@code jdbc} backend
 * @param jdbcStore        the value of the table's {@code store} column that holds this store's keys (by default the
 *                         store's name), for the {@code jdbc} backend
 * @param jdbcCreateSchema whether opening the store may create or migrate the tables, for the {@code jdbc} backend
 */
public record FencedStoreSettings(
        String storeName,
        String backend,
        @Nullable String writerId,
        Duration defaultLease,
        int maxValueBytes,
        RetryPolicy retryPolicy,
        boolean ownRetrySettings,
        Path filesDirectory,
        Duration filesLockTimeout,
        String jdbcTable,
        String jdbcStore,
        boolean jdbcCreateSchema) {

    public FencedStoreSettings {
        StoreNames.requireValid(storeName);
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(defaultLease, "defaultLease");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(filesDirectory, "filesDirectory");
        Objects.requireNonNull(filesLockTimeout, "filesLockTimeout");
        Objects.requireNonNull(jdbcTable, "jdbcTable");
        Objects.requireNonNull(jdbcStore, "jdbcStore");
    }
}
