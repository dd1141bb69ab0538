package dev.fencedstate.spring.boot.it;

import dev.fencedstate.spring.boot.autoconfigure.FencedStateAutoConfiguration;
import dev.fencedstate.testkit.ManualClock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A web application using the starter as a user would: one dependency, one annotated interface. It has no database:
 * the test class path has Boot's JDBC support for the jdbc backend's tests, so its DataSource auto-configuration is
 * excluded here, as it would be absent from a files-backend application.
 */
@SpringBootApplication(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
public class TasksApplication {

    /** Leases run on a clock the test moves, so a stalled writer's lease ends without anyone sleeping. */
    @Bean(FencedStateAutoConfiguration.CLOCK_BEAN)
    ManualClock fencedStateClock() {
        return ManualClock.create();
    }
}
