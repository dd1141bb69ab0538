/**
 * The JDBC backend: fencedstate's records in one table of a relational database (PostgreSQL), shared by any number
 * of processes on any number of hosts. See {@link dev.fencedstate.jdbc.JdbcStorage}.
 */
@NullMarked
package dev.fencedstate.jdbc;

import org.jspecify.annotations.NullMarked;
