/**
 * Proof with real operating-system processes that the file backend keeps its promises across processes: exact counter
 * totals under a cross-process race, also while lock files are deleted and replaced under the writers; no
 * acknowledged commit lost to {@code kill -9}, and every leftover removed by the next open; a zombie writer paused
 * with {@code SIGSTOP} fenced when it wakes; and, as an unprivileged user ({@code setpriv}) and on a read-only bind
 * mount ({@code unshare}), who may open which directory and what works where nothing can be written. Each test spawns
 * child JVMs (the {@code *Main} classes here) that speak a small line protocol on stdout; see
 * {@link dev.fencedstate.file.process.ChildJvm}.
 */
@NullMarked
package dev.fencedstate.file.process;

import org.jspecify.annotations.NullMarked;
