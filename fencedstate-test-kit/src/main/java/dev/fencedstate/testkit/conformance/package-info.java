/**
 * The implementation checked against the TLA+ model of the protocol ({@code specs/FencedState.tla}):
 * {@link dev.fencedstate.testkit.conformance.ProtocolConformance} drives a real
 * {@link dev.fencedstate.FencedStore} over a backend through random behaviours of the spec's actions and checks every
 * outcome against a reference model of the spec's state.
 */
@NullMarked
package dev.fencedstate.testkit.conformance;

import org.jspecify.annotations.NullMarked;
