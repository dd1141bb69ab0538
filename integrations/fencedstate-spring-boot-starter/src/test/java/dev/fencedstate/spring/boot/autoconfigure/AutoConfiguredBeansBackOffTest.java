package dev.fencedstate.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Every bean the starter auto-configures can be replaced: each {@code @Bean} method backs off. */
class AutoConfiguredBeansBackOffTest {

    static List<Class<?>> autoConfigurations() throws IOException, ClassNotFoundException {
        try (InputStream in = AutoConfiguredBeansBackOffTest.class.getClassLoader().getResourceAsStream(
                "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
            assertThat(in).as("the AutoConfiguration.imports file").isNotNull();
            List<String> names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
            List<Class<?>> classes = new java.util.ArrayList<>();
            for (String name : names) {
                classes.add(Class.forName(name));
            }
            return classes;
        }
    }

    @Test
    @DisplayName("every auto-configuration is registered in AutoConfiguration.imports")
    void registered() throws Exception {
        assertThat(autoConfigurations()).containsExactlyInAnyOrder(FencedStateAutoConfiguration.class,
                FencedStateJdbcAutoConfiguration.class, FencedStateRepositoriesAutoConfiguration.class,
                FencedStateMetricsAutoConfiguration.class, FencedStateObservationAutoConfiguration.class,
                FencedStateWebAutoConfiguration.class, FencedStateEndpointAutoConfiguration.class,
                FencedStateHealthContributorAutoConfiguration.class);
    }

    @Test
    @DisplayName("every @Bean method of every auto-configuration is @ConditionalOnMissingBean")
    void everyBeanBacksOff() throws Exception {
        int beanMethods = 0;
        for (Class<?> configuration : autoConfigurations()) {
            for (Method method : beanMethods(configuration)) {
                beanMethods++;
                assertThat(method.isAnnotationPresent(ConditionalOnMissingBean.class))
                        .as("%s.%s must be @ConditionalOnMissingBean", configuration.getSimpleName(), method.getName())
                        .isTrue();
            }
        }
        assertThat(beanMethods).as("bean methods checked").isGreaterThanOrEqualTo(10);
    }

    /** The bean methods of a configuration and of its nested configurations. */
    private static List<Method> beanMethods(Class<?> configuration) {
        List<Method> methods = new java.util.ArrayList<>(Arrays.stream(configuration.getDeclaredMethods())
                .filter(method -> method.isAnnotationPresent(Bean.class)).toList());
        for (Class<?> nested : configuration.getDeclaredClasses()) {
            methods.addAll(beanMethods(nested));
        }
        return methods;
    }
}
