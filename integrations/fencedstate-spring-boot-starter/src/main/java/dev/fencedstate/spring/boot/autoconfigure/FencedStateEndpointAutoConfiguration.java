package dev.fencedstate.spring.boot.autoconfigure;

import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.boot.actuate.FencedStateActivity;
import dev.fencedstate.spring.boot.actuate.FencedStatesEndpoint;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code fencedstates} Actuator endpoint, when Actuator is present and the endpoint is available (exposed, and
 * access not set to none), following Boot's defaults: nothing but health is exposed over HTTP unless the application
 * says so.
 */
@AutoConfiguration(after = FencedStateAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
        "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
@ConditionalOnBean(FencedStores.class)
public class FencedStateEndpointAutoConfiguration {

    // The availability conditions sit on the methods: a class-level condition from Actuator would be loaded, and
    // fail, even when the class-level @ConditionalOnClass has already ruled Actuator out.

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(FencedStatesEndpoint.class)
    public FencedStateActivity fencedStateActivity(@Qualifier(FencedStateAutoConfiguration.CLOCK_BEAN) Clock clock) {
        return new FencedStateActivity(clock);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public FencedStatesEndpoint fencedStatesEndpoint(FencedStores stores, FencedStateActivity activity) {
        return new FencedStatesEndpoint(stores, activity);
    }

}
