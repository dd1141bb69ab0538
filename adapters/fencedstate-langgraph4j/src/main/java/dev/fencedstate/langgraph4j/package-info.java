/**
 * A LangGraph4j checkpoint saver on fencedstate: a thread's checkpoints cannot be lost to a concurrent writer or
 * overwritten by a zombie run.
 *
 * <p>Start with {@link dev.fencedstate.langgraph4j.FencedCheckpointSaver}: dropped in for LangGraph4j's own saver, it
 * refuses a stale put of a run or {@code updateState} consumed on one Java thread; give a run a
 * {@link dev.fencedstate.langgraph4j.FencedRun} to have it head-checked wherever its steps run and, if it claims the
 * thread, fenced.
 */
@NullMarked
package dev.fencedstate.langgraph4j;

import org.jspecify.annotations.NullMarked;
