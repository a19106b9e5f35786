package dev.milab.sql.tsql;

import java.util.Locale;

/**
 * A name of a table or view as a statement writes it: {@code Orders}, {@code dbo.Orders},
 * {@code db1.dbo.Orders} or {@code [db1]..[Orders]}. Missing parts are null ({@code schema} is "" in
 * {@code db..t}); {@code written} is the name as the statement spells it, without brackets.
 */
public record ObjectName(String server, String database, String schema, String name, String written) {

    /** The schema a name without one means: every contained user's default schema in Azure SQL. */
    public static final String DEFAULT_SCHEMA = "dbo";

    /** The schema, or dbo when the name has none. */
    public String schemaOrDefault() {
        return schema == null || schema.isEmpty() ? DEFAULT_SCHEMA : schema;
    }

    /** {@code schema.name} in lower case: what permissions and the catalog key on. */
    public String key() {
        return (schemaOrDefault() + "." + name).toLowerCase(Locale.ROOT);
    }

    /** A catalog view (INFORMATION_SCHEMA, sys): the lab answers it with what metadata visibility allows. */
    public boolean isCatalogView() {
        String s = schemaOrDefault();
        return s.equalsIgnoreCase("INFORMATION_SCHEMA") || s.equalsIgnoreCase("sys");
    }
}
