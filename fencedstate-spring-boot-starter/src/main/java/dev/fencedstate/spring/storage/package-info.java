/** The backends the starter can open by name ({@code files}, {@code memory}), and the extension point for more. */
@NullMarked
package dev.fencedstate.spring.storage;

import org.jspecify.annotations.NullMarked;
