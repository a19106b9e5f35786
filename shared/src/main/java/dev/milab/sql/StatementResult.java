package dev.milab.sql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.milab.sql.tds.ColMetadataToken.Column;

/**
 * What one statement of a batch produced, independent of TDS: rows, a completion (with a row count or none), or
 * an error. The session turns these into COLMETADATA, ROW, DONE and ERROR tokens.
 */
public sealed interface StatementResult {

    /** A result set. */
    record Rows(List<Column> columns, List<List<Object>> rows) implements StatementResult {
        public Rows {
            columns = List.copyOf(columns);
            List<List<Object>> copy = new ArrayList<>();
            rows.forEach(r -> copy.add(Collections.unmodifiableList(new ArrayList<>(r))));
            rows = Collections.unmodifiableList(copy);
        }
    }

    /** A statement that completed; {@code rowCount} is -1 when it affects no rows (DDL). */
    record Completed(long rowCount) implements StatementResult {
    }

    /** A statement that failed. */
    record Failed(SqlError error) implements StatementResult {
    }
}
