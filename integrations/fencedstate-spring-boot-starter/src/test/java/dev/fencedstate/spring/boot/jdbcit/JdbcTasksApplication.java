package dev.fencedstate.spring.boot.jdbcit;

import dev.fencedstate.spring.boot.autoconfigure.FencedStateAutoConfiguration;
import dev.fencedstate.spring.storage.JdbcStorageCustomizer;
import dev.fencedstate.testkit.ManualClock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A web application on the jdbc backend as a user would build it: the starter, fencedstate-jdbc, Boot's JDBC starter
 * with {@code spring.datasource.*}, and one annotated interface.
 */
@SpringBootApplication
public class JdbcTasksApplication {

    /** The clock the test moves; it also stamps the endpoint's recent events. */
    @Bean(FencedStateAutoConfiguration.CLOCK_BEAN)
    ManualClock fencedStateClock() {
        return ManualClock.create();
    }

    /**
     * Lease time on this backend is the database's clock. The test moves it forward as far as the manual clock has
     * moved (fencedstate-jdbc's test-only offset), so a stalled writer's lease ends without anyone sleeping.
     */
    @Bean
    JdbcStorageCustomizer databaseClockFollowsTheManualClock(ManualClock clock) {
        return (store, builder) -> builder.clockOffset(clock::elapsed);
    }
}
