package dev.fencedstate.jdbc;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A validated table name, optionally schema-qualified ({@code schema.table}). Only lowercase ASCII letters, digits and
 * underscores are accepted, so the name means the same quoted or unquoted and can never carry SQL: it is the one
 * part of a statement that cannot be a bind parameter.
 *
 * @param schema the schema, or {@code null} to use the connection's {@code search_path}
 * @param table  the table holding the records; the schema-version table is named {@code table + "_schema"}
 */
record TableName(@Nullable String schema, String table) {

    /** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
    static final int MAX_IDENTIFIER_LENGTH = 63;
    static final String SCHEMA_TABLE_SUFFIX = "_schema";
    /** Leaves room for the suffix of the schema-version table. */
    static final int MAX_TABLE_LENGTH = MAX_IDENTIFIER_LENGTH - SCHEMA_TABLE_SUFFIX.length();

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    TableName {
        requireIdentifier("schema", schema, MAX_IDENTIFIER_LENGTH);
        requireIdentifier("table", Objects.requireNonNull(table, "table"), MAX_TABLE_LENGTH);
    }

    /** Parses {@code table} or {@code schema.table}. */
    static TableName parse(String name) {
        Objects.requireNonNull(name, "table name");
        int dot = name.indexOf('.');
        if (dot < 0) {
            return new TableName(null, name);
        }
        if (name.indexOf('.', dot + 1) >= 0) {
            throw invalid(name, "at most one dot, between schema and table");
        }
        return new TableName(name.substring(0, dot), name.substring(dot + 1));
    }

    /** The records table, quoted for SQL. */
    String records() {
        return qualified(table);
    }

    /** The schema-version table, quoted for SQL. */
    String schemaVersions() {
        return qualified(table + SCHEMA_TABLE_SUFFIX);
    }

    private String qualified(String name) {
        return schema == null ? quote(name) : quote(schema) + "." + quote(name);
    }

    private static String quote(String identifier) {
        // Safe: the identifier matched IDENTIFIER, so it has no quote character to escape.
        return "\"" + identifier + "\"";
    }

    @Override
    public String toString() {
        return schema == null ? table : schema + "." + table;
    }

    private static void requireIdentifier(String what, @Nullable String identifier, int maxLength) {
        if (identifier == null) {
            return;
        }
        if (!IDENTIFIER.matcher(identifier).matches()) {
            throw invalid(identifier, "a " + what + " name must be lowercase ASCII letters, digits and underscores, "
                    + "starting with a letter or underscore");
        }
        if (identifier.length() > maxLength) {
            throw invalid(identifier, "a " + what + " name may have at most " + maxLength + " characters");
        }
    }

    private static IllegalArgumentException invalid(String name, String rule) {
        return new IllegalArgumentException("Invalid table name '" + dev.fencedstate.Keys.printable(name) + "': "
                + rule + " (for example fencedstate_records or agents.fencedstate_records).");
    }
}
