package dev.milab.sql;

import java.util.List;

import dev.milab.sql.tds.ColMetadataToken;
import dev.milab.sql.tds.ColMetadataToken.Column;
import dev.milab.sql.tds.DoneToken;
import dev.milab.sql.tds.EnvChangeToken;
import dev.milab.sql.tds.MessageToken;
import dev.milab.sql.tds.RowToken;
import dev.milab.sql.tds.TdsResponseWriter;

/**
 * What the engine produces, as the tokens of a tabular result (MS-TDS 2.2.4), streamed through a
 * {@link TdsResponseWriter}. Each statement ends with DONE (in a batch) or DONEINPROC (inside an RPC); a DONE is
 * held back until the next token shows whether more follows (status bit MORE). Rows with a NULL travel as NBCROW,
 * others as ROW, as SQL Server sends them.
 */
final class TdsResultStream implements SqlResultSink {

    private final TdsResponseWriter writer;
    private final SqlSession session;
    private final String serverName;
    private int doneType = DoneToken.DONE;
    private List<Column> columns;
    private DoneToken pending;
    private boolean failed;

    TdsResultStream(TdsResponseWriter writer, SqlSession session, String serverName) {
        this.writer = writer;
        this.session = session;
        this.serverName = serverName;
    }

    /** Statements inside an RPC end with DONEINPROC. */
    void inProcedure(boolean inProcedure) {
        doneType = inProcedure ? DoneToken.DONEINPROC : DoneToken.DONE;
    }

    @Override
    public void columns(List<Column> newColumns) {
        flush();
        writer.token(new ColMetadataToken(newColumns));
        this.columns = newColumns;
    }

    @Override
    public void row(Object[] values) {
        RowToken.write(writer.buffer(), columns, values);
        writer.spill();
    }

    @Override
    public void done(int command, long rowCount) {
        flush();
        pending = new DoneToken(doneType, rowCount >= 0 ? DoneToken.COUNT : 0, command, Math.max(0, rowCount));
    }

    @Override
    public void error(SqlError error) {
        flush();
        writer.token(MessageToken.error(error.number(), error.state(), error.severity(), error.message(),
            serverName));
        pending = new DoneToken(doneType, DoneToken.ERROR, 0, 0);
        failed = true;
    }

    @Override
    public void info(int number, String message) {
        flush();
        writer.token(MessageToken.info(number, 1, message, serverName));
    }

    @Override
    public void transaction(int change, byte[] descriptor) {
        flush();
        writer.token(EnvChangeToken.transaction(change, descriptor));
    }

    @Override
    public boolean cancelled() {
        return session.cancelRequested();
    }

    private void flush() {
        if (pending != null) {
            writer.token(new DoneToken(pending.type(), pending.status() | DoneToken.MORE, pending.currentCommand(),
                pending.rowCount()));
            pending = null;
        }
    }

    /**
     * Writes the last statement's DONE, with MORE when {@code more} tokens follow (an RPC's RETURNSTATUS); a
     * request with no statement still ends with a DONE, and a cancelled one with the error bit.
     */
    void endStatements(boolean more) {
        int cancelled = session.cancelRequested() ? DoneToken.ERROR : 0;
        if (pending != null) {
            writer.token(new DoneToken(pending.type(), pending.status() | (more ? DoneToken.MORE : 0) | cancelled,
                pending.currentCommand(), pending.rowCount()));
            pending = null;
        } else if (!more) {
            writer.token(new DoneToken(doneType, cancelled, 0, 0));
        }
    }

    /** Whether an error was reported since the last call, and forgets it. */
    boolean takeFailed() {
        boolean f = failed;
        failed = false;
        return f;
    }
}
