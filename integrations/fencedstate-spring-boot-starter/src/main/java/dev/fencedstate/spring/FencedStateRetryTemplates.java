package dev.fencedstate.spring;

import dev.fencedstate.FencedWriteException;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.spring.dao.FencedWriteDataAccessException;
import dev.fencedstate.spring.dao.VersionConflictDataAccessException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Builds Spring Framework's core {@link RetryTemplate} for fencedstate: it retries version conflicts (the core
 * {@link VersionConflictException} and its translation {@link VersionConflictDataAccessException}) and nothing else;
 * a fenced writer is excluded explicitly, so no retry policy can ever repeat a zombie's write.
 *
 * <p>The waits come from core's {@link RetryPolicy#backoffAfter}, so a repository's retries and
 * {@link dev.fencedstate.FencedStore#update} wait alike for the same settings.
 */
public final class FencedStateRetryTemplates {

    private FencedStateRetryTemplates() {
    }

    /** A template making at most {@code policy.maxAttempts()} attempts in all, waiting as {@code policy} says. */
    public static RetryTemplate create(RetryPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        org.springframework.core.retry.RetryPolicy springPolicy = org.springframework.core.retry.RetryPolicy.builder()
                .backOff(new ConflictBackOff(policy))
                .includes(VersionConflictException.class, VersionConflictDataAccessException.class)
                .excludes(FencedWriteException.class, FencedWriteDataAccessException.class)
                .build();
        return new RetryTemplate(springPolicy);
    }

    /** Waits as core's {@link RetryPolicy} does, and stops after its last attempt. */
    private record ConflictBackOff(RetryPolicy policy) implements BackOff {

        @Override
        public BackOffExecution start() {
            return new BackOffExecution() {
                private int failedAttempts;

                @Override
                public long nextBackOff() {
                    failedAttempts++;
                    if (failedAttempts >= policy.maxAttempts()) {
                        return STOP;
                    }
                    Duration wait = policy.backoffAfter(failedAttempts, ThreadLocalRandom.current());
                    return wait.toMillis();
                }

                @Override
                public String toString() {
                    return "ConflictBackOff[" + policy + ", failed=" + failedAttempts + "]";
                }
            };
        }
    }
}
