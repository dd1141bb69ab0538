package dev.fencedstate.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.boot.actuate.FencedStatesEndpoint;
import dev.fencedstate.spring.boot.actuate.FencedStoresHealthContributor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Each optional part backs off when its library is missing, and the stores keep working without it. */
class OptionalDependenciesTest {

    @Test
    @DisplayName("without micrometer-core: no meters, stores still built")
    void withoutMicrometer() {
        Runners.starter().withClassLoader(new FilteredClassLoader("io.micrometer.core"))
                .withPropertyValues("fencedstate.stores.plans.default-lease=5s")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(FencedStores.class)
                        .doesNotHaveBean(FencedStateMetricsAutoConfiguration.METERS_BEAN));
    }

    @Test
    @DisplayName("without Actuator: no endpoint, even if exposure is configured")
    void withoutActuator() {
        Runners.starter().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .withPropertyValues("management.endpoints.web.exposure.include=fencedstates")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(FencedStores.class)
                        .doesNotHaveBean(FencedStatesEndpoint.class));
    }

    @Test
    @DisplayName("without spring-boot-health: no health contributor")
    void withoutHealth() {
        Runners.starter().withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(FencedStores.class)
                        .doesNotHaveBean(FencedStoresHealthContributor.class));
    }

    @Test
    @DisplayName("with Micrometer on the class path but no MeterRegistry bean: no meters")
    void withoutRegistryBean() {
        Runners.starter().run(context -> assertThat(context)
                .doesNotHaveBean(FencedStateMetricsAutoConfiguration.METERS_BEAN));
        Runners.starter().withUserConfiguration(Registry.class)
                .run(context -> assertThat(context).hasBean(FencedStateMetricsAutoConfiguration.METERS_BEAN));
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
