/**
 * Micrometer for fencedstate, without Spring: {@link dev.fencedstate.micrometer.FencedStateMeters} (a store's meters,
 * as its listener), {@link dev.fencedstate.micrometer.FencedStateObservations} (spans of repository writes), and every
 * name in {@link dev.fencedstate.micrometer.FencedStateMetricNames}.
 */
@NullMarked
package dev.fencedstate.micrometer;

import org.jspecify.annotations.NullMarked;
