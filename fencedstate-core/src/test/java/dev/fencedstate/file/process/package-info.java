/**
 * Proof with real operating-system processes that the file backend keeps its promises across processes: exact counter
 * totals under a cross-process race, no acknowledged commit lost to {@code kill -9}, and a zombie writer paused with
 * {@code SIGSTOP} fenced when it wakes. Each test spawns child JVMs (the {@code *Main} classes here) that speak a
 * small line protocol on stdout; see {@link dev.fencedstate.file.process.ChildJvm}.
 */
@NullMarked
package dev.fencedstate.file.process;

import org.jspecify.annotations.NullMarked;
