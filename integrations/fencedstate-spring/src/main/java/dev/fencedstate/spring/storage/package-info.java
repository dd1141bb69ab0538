/**
 * The backends stores can select by id: {@code files} (the default), {@code memory}, and {@code jdbc} (PostgreSQL,
 * with {@code fencedstate-jdbc} and a {@code DataSource}), each a {@link dev.fencedstate.spring.FencedStorageProvider}
 * with its own settings type.
 */
@NullMarked
package dev.fencedstate.spring.storage;

import org.jspecify.annotations.NullMarked;
