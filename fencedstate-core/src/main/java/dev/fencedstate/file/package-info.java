/**
 * The file backend, the embedded default: one directory shared by any number of threads and processes on one host.
 * See {@link dev.fencedstate.file.FileStorage}.
 */
@NullMarked
package dev.fencedstate.file;

import org.jspecify.annotations.NullMarked;
