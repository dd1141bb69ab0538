package dev.fencedstate.spring.boot.autoconfigure;

import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.boot.actuate.FencedStoresHealthContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Health of each store's backend, under the health component {@code fencedstate}; switch it off with
 * {@code management.health.fencedstate.enabled=false}.
 */
@AutoConfiguration(after = FencedStateAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.health.contributor.HealthContributor",
        "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator"})
@ConditionalOnBean(FencedStores.class)
public class FencedStateHealthContributorAutoConfiguration {

    // The enablement condition sits on the method: a class-level condition from spring-boot-health would be loaded,
    // and fail, even when the class-level @ConditionalOnClass has already ruled it out.
    @Bean
    @ConditionalOnMissingBean(name = "fencedstateHealthContributor")
    @ConditionalOnEnabledHealthIndicator("fencedstate")
    public FencedStoresHealthContributor fencedstateHealthContributor(FencedStores stores) {
        return new FencedStoresHealthContributor(stores);
    }
}
