package dev.fencedstate.spring.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.spring.boot.autoconfigure.Runners;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.NestedExceptionUtils;

/** A malformed {@code @FencedState} interface fails the application at startup with a message that says what to fix. */
class MalformedRepositoryTest {

    /** The failure itself when it is not wrapped (it is raised while bean definitions are read), else its root cause. */
    private static Throwable mostSpecificCause(Throwable failure) {
        return NestedExceptionUtils.getMostSpecificCause(failure);
    }

    private static void assertStartupFails(Class<?> application, String... expected) {
        Runners.starter().withUserConfiguration(application).run(context -> {
            assertThat(context).hasFailed();
            assertThat(mostSpecificCause(context.getStartupFailure()))
                    .isInstanceOf(InvalidFencedRepositoryException.class)
                    .hasMessageContaining("Malformed @FencedState repository " + application.getPackageName()
                            + ".BadRepository")
                    .hasMessageContaining("Fix the interface");
            for (String fragment : expected) {
                assertThat(mostSpecificCause(context.getStartupFailure())).hasMessageContaining(fragment);
            }
        });
    }

    @Test
    @DisplayName("@FencedState on a class")
    void onClass() {
        assertStartupFails(dev.fencedstate.spring.repository.malformed.isclass.App.class,
                "it is a class; put @FencedState on an interface that extends FencedRepository<T>");
    }

    @Test
    @DisplayName("an interface that does not extend FencedRepository")
    void notRepository() {
        assertStartupFails(dev.fencedstate.spring.repository.malformed.notrepository.App.class,
                "it does not extend FencedRepository<T>; declare it as 'interface BadRepository extends "
                        + "FencedRepository<YourValue>'");
    }

    @Test
    @DisplayName("a raw FencedRepository")
    void rawType() {
        assertStartupFails(dev.fencedstate.spring.repository.malformed.rawtype.App.class,
                "its value type is not known");
    }

    @Test
    @DisplayName("a repository with its own type parameter")
    void typeParameter() {
        assertStartupFails(dev.fencedstate.spring.repository.malformed.typeparameter.App.class,
                "it declares type parameters [T]", "its value type is not known");
    }

    @Test
    @DisplayName("a query method (an abstract method fencedstate cannot implement)")
    void queryMethod() {
        Runners.starter().withUserConfiguration(dev.fencedstate.spring.repository.malformed.querymethod.App.class)
                .run(context -> {
                    assertThat(mostSpecificCause(context.getStartupFailure()))
                            .hasMessageContaining("it declares 'List<Plan> findByGoal(String)', which fencedstate "
                                    + "cannot implement: repositories have no query methods. Remove it, or make it a "
                                    + "default method")
                            // The redeclared inherited method is not reported.
                            .hasMessageNotContaining("get(String)");
                });
    }

    @Test
    @DisplayName("an invalid store name")
    void badStoreName() {
        assertStartupFails(dev.fencedstate.spring.repository.malformed.badstorename.App.class,
                "@FencedState(\"Agent Plans\") is not a valid store name");
    }

    @Test
    @DisplayName("Spring Boot's failure report prints the problem and the action")
    @ExtendWith(OutputCaptureExtension.class)
    void failureAnalysis(CapturedOutput output) {
        SpringApplication application = new SpringApplication(MalformedApp.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setDefaultProperties(Map.of("fencedstate.backend", "memory"));
        assertThatThrownBy(application::run)
                .satisfies(e -> assertThat(mostSpecificCause(e)).isInstanceOf(InvalidFencedRepositoryException.class));
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("Malformed @FencedState repository")
                .contains("Action:")
                .contains("Fix the interface: it must be 'interface BadRepository extends FencedRepository<YourValue>'");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(dev.fencedstate.spring.repository.malformed.querymethod.App.class)
    static class MalformedApp {
    }
}
