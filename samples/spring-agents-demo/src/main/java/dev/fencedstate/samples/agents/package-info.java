/** A Spring Boot application where agents share state through fencedstate: conflicts retried, a zombie fenced. */
@NullMarked
package dev.fencedstate.samples.agents;

import org.jspecify.annotations.NullMarked;
