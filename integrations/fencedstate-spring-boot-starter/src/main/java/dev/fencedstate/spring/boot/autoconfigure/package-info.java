/**
 * Spring Boot auto-configuration of fencedstate: the beans of fencedstate-spring and fencedstate-micrometer, built
 * from {@code fencedstate.*} properties ({@link dev.fencedstate.spring.boot.autoconfigure.FencedStateProperties}),
 * every one {@code @ConditionalOnMissingBean}.
 */
@NullMarked
package dev.fencedstate.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
