package dev.milab.sql;

/** A statement or seeding call that Azure SQL would refuse, with the error it would return. */
public final class SqlErrorException extends RuntimeException {

    private final SqlError error;

    public SqlErrorException(SqlError error) {
        super("Msg " + error.number() + ", Level " + error.severity() + ", State " + error.state() + ": "
            + error.message());
        this.error = error;
    }

    public SqlError error() {
        return error;
    }
}
