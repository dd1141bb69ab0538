/**
 * JMH benchmarks comparing a fenced durable commit ({@link dev.fencedstate.FencedStore} over
 * {@link dev.fencedstate.file.FileStorage}) with a naive durable write of the same bytes on the same disk, and (the
 * {@code Postgres*} classes) a fenced commit over {@code JdbcStorage} with a bare optimistic {@code UPDATE} and with
 * Spring Integration's {@code JdbcLockRegistry} on one PostgreSQL server and pool. See the module's README for how to
 * run them and what they measured.
 */
@NullMarked
package dev.fencedstate.benchmarks;

import org.jspecify.annotations.NullMarked;
