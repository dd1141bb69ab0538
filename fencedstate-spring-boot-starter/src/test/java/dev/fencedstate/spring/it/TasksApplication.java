package dev.fencedstate.spring.it;

import dev.fencedstate.spring.autoconfigure.FencedStateAutoConfiguration;
import dev.fencedstate.testkit.ManualClock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A web application using the starter as a user would: one dependency, one annotated interface. */
@SpringBootApplication
public class TasksApplication {

    /** Leases run on a clock the test moves, so a stalled writer's lease ends without anyone sleeping. */
    @Bean(FencedStateAutoConfiguration.CLOCK_BEAN)
    ManualClock fencedStateClock() {
        return ManualClock.create();
    }
}
