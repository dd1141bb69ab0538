package dev.fencedstate.spring.boot.autoconfigure;

import dev.fencedstate.spring.web.FencedStateExceptionHandler;
import dev.fencedstate.spring.web.FencedStateProblems;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ProblemDetail;

/**
 * In a Spring MVC or WebFlux application, fencedstate exceptions that escape a controller are answered with their
 * problem document ({@link FencedStateExceptionHandler}, lowest precedence: the application's own handlers win).
 * Off with {@code fencedstate.web.problems.enabled=false}.
 */
@AutoConfiguration(after = FencedStateAutoConfiguration.class)
@ConditionalOnWebApplication
@ConditionalOnClass(ProblemDetail.class)
@ConditionalOnBooleanProperty(name = "fencedstate.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "fencedstate.web.problems.enabled", matchIfMissing = true)
public class FencedStateWebAutoConfiguration {

    /** A held claim's {@code Retry-After} counts on the clock of lease deadlines. */
    @Bean
    @ConditionalOnMissingBean
    public FencedStateExceptionHandler fencedStateExceptionHandler(
            @Qualifier(FencedStateAutoConfiguration.CLOCK_BEAN) Clock clock) {
        return new FencedStateExceptionHandler(new FencedStateProblems(clock));
    }
}
