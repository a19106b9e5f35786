package dev.milab.sql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.milab.sql.tds.ColMetadataToken.Column;

/** A sink that keeps what statements produced as {@link StatementResult}s (seeding, tests without sockets). */
public final class StatementResults implements SqlResultSink {

    private final List<StatementResult> results = new ArrayList<>();
    private final List<String> messages = new ArrayList<>();
    private List<Column> columns;
    private List<List<Object>> rows;

    @Override
    public void columns(List<Column> newColumns) {
        this.columns = newColumns;
        this.rows = new ArrayList<>();
    }

    @Override
    public void row(Object[] values) {
        rows.add(Arrays.asList(values.clone()));
    }

    @Override
    public void done(int command, long rowCount) {
        if (columns != null) {
            results.add(new StatementResult.Rows(columns, rows));
            columns = null;
        } else {
            results.add(new StatementResult.Completed(rowCount));
        }
    }

    @Override
    public void error(SqlError error) {
        columns = null;
        results.add(new StatementResult.Failed(error));
    }

    @Override
    public void info(int number, String message) {
        messages.add(message);
    }

    @Override
    public void transaction(int change, byte[] descriptor) {
        // not a result
    }

    @Override
    public boolean cancelled() {
        return false;
    }

    public List<StatementResult> results() {
        return List.copyOf(results);
    }

    /** PRINT output and other informational messages. */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    public Optional<SqlError> firstError() {
        return results.stream().filter(r -> r instanceof StatementResult.Failed).map(r -> ((StatementResult.Failed) r)
            .error()).findFirst();
    }
}
