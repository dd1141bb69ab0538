/**
 * A LangGraph4j checkpoint saver on fencedstate: a thread's checkpoints cannot be lost to a concurrent writer or
 * overwritten by a zombie run.
 *
 * <p>Start with {@link dev.fencedstate.langgraph4j.FencedCheckpointSaver}; give each run a
 * {@link dev.fencedstate.langgraph4j.FencedRun} to make its checkpoints head-checked and, if it claims the thread,
 * fenced.
 */
@NullMarked
package dev.fencedstate.langgraph4j;

import org.jspecify.annotations.NullMarked;
