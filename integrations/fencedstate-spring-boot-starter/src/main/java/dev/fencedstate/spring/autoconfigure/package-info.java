/** Spring Boot auto-configuration of fencedstate, bound to {@code fencedstate.*} properties. */
@NullMarked
package dev.fencedstate.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
