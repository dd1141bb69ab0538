/**
 * The backends the starter can open by name ({@code files}, {@code memory}, and {@code jdbc} when
 * {@code fencedstate-jdbc} and a {@code DataSource} are present), and the extension point for more.
 */
@NullMarked
package dev.fencedstate.spring.storage;

import org.jspecify.annotations.NullMarked;
