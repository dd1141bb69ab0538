package dev.fencedstate.spring.dao;

import dev.fencedstate.ClaimHeldException;
import java.time.Instant;
import org.springframework.dao.PessimisticLockingFailureException;

/**
 * Another writer holds a live claim on the key, as Spring sees it: a {@link PessimisticLockingFailureException}
 * (a transient concurrency failure): try again after the holder releases the claim or its lease ends. The cause is
 * the original {@link ClaimHeldException}.
 */
public class ClaimHeldDataAccessException extends PessimisticLockingFailureException {

    private static final long serialVersionUID = 1L;

    private final ClaimHeldException held;

    public ClaimHeldDataAccessException(ClaimHeldException held) {
        super(held.getMessage(), held);
        this.held = held;
    }

    public String key() {
        return held.key();
    }

    /** The writer id of the live claim's holder. */
    public String holder() {
        return held.holder();
    }

    /** When the holder's lease ends unless renewed. */
    public Instant leaseDeadline() {
        return held.leaseDeadline();
    }

    /** The original exception (also {@link #getCause()}). */
    public ClaimHeldException held() {
        return held;
    }
}
