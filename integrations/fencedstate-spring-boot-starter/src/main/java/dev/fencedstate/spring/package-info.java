/**
 * fencedstate for Spring: {@link dev.fencedstate.spring.FencedState @FencedState} repositories, the
 * {@link dev.fencedstate.spring.FencedStores} registry of auto-configured stores, and the hooks to customise them.
 */
@NullMarked
package dev.fencedstate.spring;

import org.jspecify.annotations.NullMarked;
