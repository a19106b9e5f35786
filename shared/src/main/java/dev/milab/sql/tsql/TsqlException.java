package dev.milab.sql.tsql;

/**
 * A batch SQL Server would refuse before running it, with SQL Server's error number: 102 incorrect syntax, 105
 * unclosed quotation mark, 113 missing end comment mark. The engine turns it into the error the client sees.
 */
public final class TsqlException extends RuntimeException {

    private final int number;

    public TsqlException(int number, String message) {
        super(message);
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** 102: "Incorrect syntax near '…'." */
    public static TsqlException syntaxNear(String near) {
        return new TsqlException(102, "Incorrect syntax near '" + near + "'.");
    }
}
