package dev.fencedstate.spring.storage;

import org.jspecify.annotations.Nullable;

/**
 * The {@code jdbc} backend's own settings ({@code fencedstate.jdbc.*}, and per store
 * {@code fencedstate.stores.<name>.jdbc.*}). Every store on the backend lives in one table, each under its own value
 * of the table's {@code store} column. A setting left unset keeps fencedstate-jdbc's default ({@code JdbcStorage}).
 */
public class JdbcBackendSettings {

    /**
     * The table holding the records: 'table' or 'schema.table', lowercase ASCII letters, digits and underscores. A
     * second table '<table>_schema' records the schema version. Instances that should share stores name the same one.
     */
    private @Nullable String table;

    /**
     * The value of the table's 'store' column that holds the store's keys (1 to 256 bytes of printable text). Default:
     * the store's name. Stores, in any application, with the same table and store value share keys.
     */
    private @Nullable String store;

    /**
     * Whether opening a store may create or migrate the tables (idempotent, safe from many instances starting at
     * once). Switch it off where the database role may not run DDL; the tables must then exist.
     */
    private @Nullable Boolean createSchema;

    public @Nullable String getTable() {
        return table;
    }

    public void setTable(@Nullable String table) {
        this.table = table;
    }

    public @Nullable String getStore() {
        return store;
    }

    public void setStore(@Nullable String store) {
        this.store = store;
    }

    public @Nullable Boolean getCreateSchema() {
        return createSchema;
    }

    public void setCreateSchema(@Nullable Boolean createSchema) {
        this.createSchema = createSchema;
    }
}
