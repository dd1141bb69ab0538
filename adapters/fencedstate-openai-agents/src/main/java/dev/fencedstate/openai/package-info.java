/**
 * Fenced state for Java agents built on the OpenAI API with {@code com.openai:openai-java}.
 *
 * <ul>
 *   <li>{@link dev.fencedstate.openai.FencedSessionStore} / {@link dev.fencedstate.openai.FencedSession}: the list of
 *       input items replayed to the model each turn, with the OpenAI Agents SDK's {@code Session} operations
 *       ({@code getItems(limit)}, {@code addItems}, {@code popItem}, {@code clearSession}); every change states the
 *       {@link dev.fencedstate.openai.SessionView} it was computed from.</li>
 *   <li>{@link dev.fencedstate.openai.FencedHeadStore} / {@link dev.fencedstate.openai.FencedHead}: the id of the
 *       latest response of a conversation ({@code previous_response_id} chaining), advanced from A to B only if it is
 *       still A.</li>
 *   <li>{@link dev.fencedstate.openai.AgentTurnRunner}: one turn (read, call the Responses API, commit), retried on
 *       a conflict by re-reading and calling the model again.</li>
 * </ul>
 * Conflicts are {@link dev.fencedstate.openai.SessionConflictException} and
 * {@link dev.fencedstate.openai.HeadConflictException}: core {@link dev.fencedstate.VersionConflictException}s
 * (retryable, caught with every other fencedstate conflict) that carry the current state; a writer whose claim was
 * reclaimed or revoked gets core's {@link dev.fencedstate.FencedWriteException} (never retried).
 */
@NullMarked
package dev.fencedstate.openai;

import org.jspecify.annotations.NullMarked;
