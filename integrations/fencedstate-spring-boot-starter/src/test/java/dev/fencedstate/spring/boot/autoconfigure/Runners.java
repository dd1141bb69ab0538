package dev.fencedstate.spring.boot.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The starter's auto-configurations, as a Boot application would load them, on the in-memory backend by default. */
public final class Runners {

    private Runners() {
    }

    /** Every auto-configuration of the starter, plus Jackson's (the application's JsonMapper). */
    public static ApplicationContextRunner starter() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
                        FencedStateAutoConfiguration.class, FencedStateJdbcAutoConfiguration.class,
                        FencedStateRepositoriesAutoConfiguration.class,
                        FencedStateMetricsAutoConfiguration.class, FencedStateObservationAutoConfiguration.class,
                        FencedStateWebAutoConfiguration.class, FencedStateEndpointAutoConfiguration.class,
                        FencedStateHealthContributorAutoConfiguration.class))
                // Never let a test write to the default ./.fencedstate directory.
                .withPropertyValues("fencedstate.backend=memory");
    }
}
