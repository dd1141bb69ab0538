/**
 * Spring's {@link org.springframework.core.retry.RetryOperations} over core's {@link dev.fencedstate.Retrier}, for
 * application code that retries its own unit of work on a version conflict.
 */
@NullMarked
package dev.fencedstate.spring.retry;

import org.jspecify.annotations.NullMarked;
