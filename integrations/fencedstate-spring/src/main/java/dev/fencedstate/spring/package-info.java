/**
 * fencedstate for Spring Framework applications, with or without Spring Boot:
 * {@link dev.fencedstate.spring.FencedState @FencedState} repositories, the {@link dev.fencedstate.spring.FencedStores}
 * registry that builds each store from its {@link dev.fencedstate.spring.FencedStoreSettings}, the backend SPI
 * {@link dev.fencedstate.spring.FencedStorageProvider}, and the hooks to customise and observe stores. Subpackages:
 * {@code storage} (the built-in backends), {@code repository}, {@code dao} (exception translation), {@code retry}
 * (Spring's RetryOperations over core's retrier) and {@code web} (HTTP problem documents).
 */
@NullMarked
package dev.fencedstate.spring;

import org.jspecify.annotations.NullMarked;
