package dev.milab.sql;

import java.util.List;

import dev.milab.sql.tds.ColMetadataToken.Column;

/**
 * Where the engine puts what statements produce, in order; the TDS session turns it into tokens as it comes
 * (COLMETADATA, ROW/NBCROW, DONE or DONEINPROC, ERROR, INFO, ENVCHANGE), and tests collect it.
 */
public interface SqlResultSink {

    /** A result set starts. */
    void columns(List<Column> columns);

    /** One row of the current result set, values as {@link dev.milab.sql.tds.TdsValues} writes them. */
    void row(Object[] values);

    /** A statement ended; {@code rowCount} is -1 when it has none to report (DDL, SET NOCOUNT ON). */
    void done(int command, long rowCount);

    /** A statement failed with this error. */
    void error(SqlError error);

    /** An informational message (PRINT, or INFO as SQL Server sends it). */
    void info(int number, String message);

    /**
     * A transaction began, was committed or was rolled back ({@link dev.milab.sql.tds.EnvChangeToken} types 8, 9,
     * 10), with its descriptor.
     */
    void transaction(int change, byte[] descriptor);

    /** Whether the client asked to cancel (an attention): long work stops early. */
    boolean cancelled();
}
