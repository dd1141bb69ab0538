/** The in-memory backend: one JVM, no persistence. For tests and single-process use. */
@NullMarked
package dev.fencedstate.memory;

import org.jspecify.annotations.NullMarked;
