package dev.fencedstate.spring.boot.autoconfigure;

import dev.fencedstate.spring.FencedStateConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a fencedstate misconfiguration as Spring Boot's "APPLICATION FAILED TO START" report: what and what to do. */
class FencedStateFailureAnalyzer extends AbstractFailureAnalyzer<FencedStateConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, FencedStateConfigurationException cause) {
        return new FailureAnalysis(cause.problem(), cause.action().strip(), cause);
    }
}
