package dev.fencedstate.spring.repository;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Registers a bean for every {@link dev.fencedstate.spring.FencedState @FencedState} interface under the given
 * packages, in an application without Spring Boot (with Boot, the starter scans the application's packages itself).
 * The application declares a {@link dev.fencedstate.spring.FencedStores} bean and a
 * {@code tools.jackson.databind.json.JsonMapper} bean; a {@link dev.fencedstate.spring.dao.FencedStateExceptionTranslator}
 * and a {@link dev.fencedstate.spring.FencedOperationObserver} bean are used if present.
 *
 * <pre>{@code
 * @Configuration
 * @EnableFencedStateRepositories("com.example.plans")
 * class StateConfig { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Import(FencedRepositoriesRegistrar.Annotated.class)
public @interface EnableFencedStateRepositories {

    /** The packages to scan (and their subpackages); by default the package of the annotated class. */
    String[] value() default {};
}
