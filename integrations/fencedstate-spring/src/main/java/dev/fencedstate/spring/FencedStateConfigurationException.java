package dev.fencedstate.spring;

import dev.fencedstate.FencedStateException;

/**
 * fencedstate is configured in a way that cannot work: a bad property, an unknown backend, a malformed repository.
 * Raised at startup, so the application fails before it writes anything; the message says what is wrong and
 * {@link #action()} what to change. Spring Boot prints both through its failure analysis.
 */
public class FencedStateConfigurationException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final String problem;
    private final String action;

    public FencedStateConfigurationException(String problem, String action) {
        this(problem, action, null);
    }

    public FencedStateConfigurationException(String problem, String action, @org.jspecify.annotations.Nullable Throwable cause) {
        super(null, problem + " " + action, cause);
        this.problem = problem;
        this.action = action;
    }

    /** What is wrong. */
    public String problem() {
        return problem;
    }

    /** What to change to fix it. */
    public String action() {
        return action;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
