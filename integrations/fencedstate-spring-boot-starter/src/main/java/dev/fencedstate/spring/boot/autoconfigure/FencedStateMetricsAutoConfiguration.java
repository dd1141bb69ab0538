package dev.fencedstate.spring.boot.autoconfigure;

import dev.fencedstate.micrometer.FencedStateMeters;
import dev.fencedstate.micrometer.FencedStateMetricNames;
import dev.fencedstate.micrometer.FencedStateObservations;
import dev.fencedstate.spring.FencedStoreListenerFactory;
import dev.fencedstate.spring.FencedStores;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The meters of every store ({@link FencedStateMetricNames}), from fencedstate-micrometer's {@link FencedStateMeters},
 * when the application has a {@link MeterRegistry}; and a {@link MeterFilter} denying the meters that a meter
 * observation handler would derive from fencedstate's observation, so each fact is counted once.
 */
@AutoConfiguration(after = FencedStateAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, FencedStateMeters.class})
@ConditionalOnBean({MeterRegistry.class, FencedStores.class})
public class FencedStateMetricsAutoConfiguration {

    /** The bean name of the listener factory that gives every store its meters. */
    public static final String METERS_BEAN = "fencedStateMeters";

    /** The bean name of the filter that denies the observation's derived meters. */
    public static final String OBSERVATION_METER_FILTER_BEAN = "fencedStateObservationMeterFilter";

    /** Lease deadlines of the built-in backends are on {@code fencedStateClock}, so the live-claims gauge is too. */
    @Bean(METERS_BEAN)
    @ConditionalOnMissingBean(name = METERS_BEAN)
    public FencedStoreListenerFactory fencedStateMeters(MeterRegistry meterRegistry,
            @Qualifier(FencedStateAutoConfiguration.CLOCK_BEAN) Clock clock) {
        return storeName -> new FencedStateMeters(meterRegistry, storeName, clock);
    }

    @Bean(OBSERVATION_METER_FILTER_BEAN)
    @ConditionalOnMissingBean(name = OBSERVATION_METER_FILTER_BEAN)
    public MeterFilter fencedStateObservationMeterFilter() {
        return FencedStateObservations.DENY_OBSERVATION_METERS;
    }
}
