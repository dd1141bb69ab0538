/** Micrometer meters and observations for fencedstate stores; every name is in {@link dev.fencedstate.spring.metrics.FencedStateMetricNames}. */
@NullMarked
package dev.fencedstate.spring.metrics;

import org.jspecify.annotations.NullMarked;
