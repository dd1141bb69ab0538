/**
 * The storage SPI. A backend implements {@link dev.fencedstate.spi.StateStorage}: read a record, and replace it only
 * if it is unchanged. Everything else (claims, fencing, commit checks, retries) is written once, in
 * {@link dev.fencedstate.FencedStore}, and every backend proves it with the contract test kit.
 */
@NullMarked
package dev.fencedstate.spi;

import org.jspecify.annotations.NullMarked;
