/**
 * The main demo: six workers appending to one shared plan, and a zombie writer, first on plain files and then
 * through fencedstate's file backend. Run {@link dev.fencedstate.samples.lostupdate.LostUpdateDemo}.
 */
@NullMarked
package dev.fencedstate.samples.lostupdate;

import org.jspecify.annotations.NullMarked;
