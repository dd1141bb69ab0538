package dev.fencedstate.spring.autoconfigure;

import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.metrics.FencedStateMeters;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters of every store (see {@link dev.fencedstate.spring.metrics.FencedStateMetricNames}), when the
 * application has a {@link MeterRegistry}. Repository commits are also observed through the application's
 * {@code ObservationRegistry}, if it has one, whatever this configuration decides.
 */
@AutoConfiguration(after = FencedStateAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, FencedStores.class})
public class FencedStateMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public FencedStateMeters fencedStateMeters(MeterRegistry meterRegistry) {
        return new FencedStateMeters(meterRegistry);
    }
}
