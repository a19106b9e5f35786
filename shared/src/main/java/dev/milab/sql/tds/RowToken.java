package dev.milab.sql.tds;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * ROW (MS-TDS 2.2.7.20, token 0xD1): one value per column of the COLMETADATA before it, each as its TYPE_INFO
 * says ({@link TdsValues}), NULLs included.
 */
public record RowToken(List<ColMetadataToken.Column> columns, List<Object> values) implements ServerToken {

    public static final int TYPE = 0xD1;

    public RowToken {
        columns = List.copyOf(columns);
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void encode(TdsWriter w) {
        write(w, columns, values.toArray());
    }

    /** Writes a ROW without making a token object (the result-set path). */
    public static void write(TdsWriter w, List<ColMetadataToken.Column> columns, Object[] values) {
        w.uint8(TYPE);
        for (int i = 0; i < columns.size(); i++) {
            TdsValues.write(w, columns.get(i).type(), values[i]);
        }
    }
}
