package dev.milab.sql;

import java.util.List;

/** The outcome of a login: a session identity in a database, or the errors Azure SQL would send. */
public sealed interface LoginResult {

    /** Logged in. */
    record Success(SqlServer server, SqlDatabase database, SessionIdentity identity) implements LoginResult {
    }

    /** Refused, with the errors in the order SQL Server sends them. */
    record Failure(List<SqlError> errors) implements LoginResult {
        public Failure {
            errors = List.copyOf(errors);
        }

        public static Failure of(SqlError... errors) {
            return new Failure(List.of(errors));
        }
    }
}
