package dev.fencedstate.spring.storage;

import dev.fencedstate.jdbc.JdbcStorage;

/**
 * Adjusts the {@link JdbcStorage.Builder} of a store on the {@code jdbc} backend after the properties have been
 * applied ({@code table}, {@code store}, {@code createSchema}), so a customizer wins over them. Declare customizers as
 * beans; they run in {@link org.springframework.core.annotation.Order} order for every store the
 * {@link JdbcStorageProvider} opens.
 */
@FunctionalInterface
public interface JdbcStorageCustomizer {

    void customize(String storeName, JdbcStorage.Builder builder);
}
