/**
 * fencedstate: fenced, versioned commits for state shared by many writers.
 *
 * <p>Start with {@link dev.fencedstate.FencedStore}. Every failure is a {@link dev.fencedstate.FencedStateException}
 * whose subtype says what happened and whether trying again can help.
 */
@NullMarked
package dev.fencedstate;

import org.jspecify.annotations.NullMarked;
