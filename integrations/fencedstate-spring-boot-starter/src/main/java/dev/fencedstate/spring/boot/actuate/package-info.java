/** The {@code fencedstates} Actuator endpoint and the health indicator of each store's backend. */
@NullMarked
package dev.fencedstate.spring.boot.actuate;

import org.jspecify.annotations.NullMarked;
