/**
 * fencedstate's exceptions as HTTP answers: RFC 9457 problem documents whose {@code type}
 * ({@link dev.fencedstate.spring.web.FencedStateProblemType}) maps one-to-one onto the library's exceptions, built in
 * one place ({@link dev.fencedstate.spring.web.FencedStateProblems}) and served by a controller advice for Spring MVC
 * and WebFlux ({@link dev.fencedstate.spring.web.FencedStateExceptionHandler}). Needs {@code spring-web}.
 */
@NullMarked
package dev.fencedstate.spring.web;

import org.jspecify.annotations.NullMarked;
