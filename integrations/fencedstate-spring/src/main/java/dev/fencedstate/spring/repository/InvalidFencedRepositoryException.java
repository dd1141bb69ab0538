package dev.fencedstate.spring.repository;

import dev.fencedstate.spring.FencedStateConfigurationException;
import java.util.List;

/**
 * A {@code @FencedState} interface cannot be implemented as written. Raised while the application context starts,
 * before any bean is created; the message lists every problem found and what to change.
 */
public class InvalidFencedRepositoryException extends FencedStateConfigurationException {

    private static final long serialVersionUID = 1L;

    private final String repositoryType;
    private final List<String> problems;

    public InvalidFencedRepositoryException(String repositoryType, List<String> problems) {
        super("Malformed @FencedState repository " + repositoryType + ":\n  - " + String.join("\n  - ", problems),
                "\nFix the interface: it must be 'interface " + simpleName(repositoryType)
                + " extends FencedRepository<YourValue>' with a concrete value type, a valid store name, and no "
                + "abstract methods of its own (default methods are fine).");
        this.repositoryType = repositoryType;
        this.problems = List.copyOf(problems);
    }

    /** The fully qualified name of the malformed type. */
    public String repositoryType() {
        return repositoryType;
    }

    /** Each problem found, with what to change. */
    public List<String> problems() {
        return problems;
    }

    private static String simpleName(String className) {
        String afterPackage = className.substring(className.lastIndexOf('.') + 1);
        return afterPackage.substring(afterPackage.lastIndexOf('$') + 1);
    }
}
