package dev.milab.sql.tds;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A row of a result, in the token SQL Server picks for it: ROW (MS-TDS 2.2.7.20, token 0xD1) when no value is
 * NULL, one value per column of the COLMETADATA before it, each as its TYPE_INFO says ({@link TdsValues}); NBCROW
 * (2.2.7.15, token 0xD2) when one is, a null bitmap (one bit per column, 1 = NULL, rounded up to whole bytes)
 * followed by the values of the columns that are not NULL.
 */
public record RowToken(List<ColMetadataToken.Column> columns, List<Object> values) implements ServerToken {

    public static final int ROW = 0xD1;
    public static final int NBCROW = 0xD2;

    public RowToken {
        columns = List.copyOf(columns);
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    @Override
    public int type() {
        return values.contains(null) ? NBCROW : ROW;
    }

    @Override
    public void encode(TdsWriter w) {
        write(w, columns, values.toArray());
    }

    /** Writes a row without making a token object (the result-set path). */
    public static void write(TdsWriter w, List<ColMetadataToken.Column> columns, Object[] values) {
        int n = columns.size();
        boolean nulls = false;
        for (int i = 0; i < n && !nulls; i++) {
            nulls = values[i] == null;
        }
        if (!nulls) {
            w.uint8(ROW);
        } else {
            w.uint8(NBCROW);
            for (int start = 0; start < n; start += 8) {
                int bits = 0;
                for (int i = start; i < Math.min(n, start + 8); i++) {
                    if (values[i] == null) {
                        bits |= 1 << (i - start);
                    }
                }
                w.uint8(bits);
            }
        }
        for (int i = 0; i < n; i++) {
            if (values[i] != null) {
                TdsValues.write(w, columns.get(i).type(), values[i]);
            }
        }
    }
}
