/** Finds {@code @FencedState} interfaces, validates them at startup, and implements them with JDK proxies. */
@NullMarked
package dev.fencedstate.spring.repository;

import org.jspecify.annotations.NullMarked;
