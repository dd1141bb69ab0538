package dev.fencedstate.spring.boot.autoconfigure;

import dev.fencedstate.micrometer.FencedStateObservations;
import dev.fencedstate.spring.FencedOperationObserver;
import dev.fencedstate.spring.FencedStores;
import io.micrometer.observation.ObservationRegistry;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Repository writes observed through the application's {@link ObservationRegistry} (a tracing bridge sees each as a
 * span), with fencedstate-micrometer's {@link FencedStateObservations}. Without a registry the observer does nothing.
 */
@AutoConfiguration(after = FencedStateAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({ObservationRegistry.class, FencedStateObservations.class})
@ConditionalOnBean(FencedStores.class)
public class FencedStateObservationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public FencedOperationObserver fencedStateOperationObserver(ObjectProvider<ObservationRegistry> registry) {
        FencedStateObservations observations = new FencedStateObservations(
                registry.getIfUnique(() -> ObservationRegistry.NOOP));
        return new FencedOperationObserver() {
            @Override
            public <T> T observe(String storeName, String operation, String key, Supplier<T> work) {
                return observations.observe(storeName, operation, key, work);
            }
        };
    }
}
