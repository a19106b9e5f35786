package dev.milab.sql;

import java.util.Locale;
import java.util.Optional;

/** The fixed database roles the lab knows (SQL Server's fixed database-level roles that the demos grant). */
public enum DatabaseRole {
    DB_DATAREADER,
    DB_DATAWRITER,
    DB_OWNER;

    public String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DatabaseRole> bySqlName(String name) {
        for (DatabaseRole r : values()) {
            if (r.sqlName().equalsIgnoreCase(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
