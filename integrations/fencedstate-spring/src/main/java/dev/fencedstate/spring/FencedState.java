package dev.fencedstate.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface extending {@link FencedRepository} as a repository over the store named {@link #value()}.
 * The Spring Boot starter finds such interfaces in the application's auto-configuration packages (the package of the
 * {@code @SpringBootApplication} class and below); without Boot,
 * {@link dev.fencedstate.spring.repository.EnableFencedStateRepositories} names the packages. Each is checked at
 * startup and implemented as a bean named after the interface ({@code PlanStore} becomes {@code planStore}).
 *
 * <pre>{@code
 * @FencedState("plans")
 * interface PlanStore extends FencedRepository<Plan> {}
 * }</pre>
 *
 * The interface may declare default methods built on the inherited ones; any other abstract method fails startup,
 * because a fenced repository has no query derivation.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface FencedState {

    /**
     * The store's name: 1 to 64 characters, lowercase letters, digits, {@code _} or {@code -}, starting with a letter
     * or digit (see {@link StoreNames}). Settings under {@code fencedstate.stores.<name>.*} apply to it; several repositories may share one
     * store.
     */
    String value();
}
