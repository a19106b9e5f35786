package dev.milab.sql.tsql;

import java.util.List;

/**
 * What a data statement does, as far as permissions and the wire need to know: its kind, the objects it reads and
 * writes with the permission each needs, the object a DDL statement changes, the DONE token's command code, and
 * whether an UPDATE or DELETE names its target through a FROM clause (T-SQL's {@code UPDATE o … FROM}, which H2
 * lacks).
 */
public record StatementAnalysis(Kind kind, List<Access> accesses, ObjectName ddlObject, int doneCommand,
                                boolean joinedTarget) {

    /** Statement kinds the engine treats differently. */
    public enum Kind {
        SELECT, INSERT, UPDATE, DELETE, MERGE,
        CREATE_TABLE, CREATE_VIEW, CREATE_INDEX, CREATE_SCHEMA, CREATE_OTHER,
        ALTER_TABLE, ALTER_OTHER, DROP_TABLE, DROP_VIEW, DROP_INDEX, DROP_OTHER, TRUNCATE;

        public boolean isDdl() {
            return ordinal() >= CREATE_TABLE.ordinal();
        }

        public boolean isDml() {
            return this == INSERT || this == UPDATE || this == DELETE || this == MERGE;
        }
    }

    /** The object permissions SQL Server checks for data statements. */
    public enum Permission {
        SELECT, INSERT, UPDATE, DELETE
    }

    /** One object and one permission a statement needs on it. */
    public record Access(ObjectName object, Permission permission) {
    }

    public StatementAnalysis {
        accesses = List.copyOf(accesses);
    }

    /** Whether the statement touches a table (what starts an implicit transaction). */
    public boolean touchesData() {
        return kind != Kind.SELECT || !accesses.isEmpty();
    }
}
