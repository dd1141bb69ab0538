/**
 * The contract test kit: every backend proves the protocol by extending
 * {@link dev.fencedstate.testkit.StorageContract} and returning its storage.
 */
@NullMarked
package dev.fencedstate.testkit;

import org.jspecify.annotations.NullMarked;
