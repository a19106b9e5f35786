package dev.milab.sql.tds;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * NBCROW (MS-TDS 2.2.7.15, token 0xD2): a row with a null bitmap, one bit per column (1 = NULL, rounded up to
 * whole bytes), followed by the values of the columns that are not NULL. SQL Server sends it for rows with NULLs.
 */
public record NbcRowToken(List<ColMetadataToken.Column> columns, List<Object> values) implements ServerToken {

    public static final int TYPE = 0xD2;

    public NbcRowToken {
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

    /** Writes an NBCROW without making a token object (the result-set path). */
    public static void write(TdsWriter w, List<ColMetadataToken.Column> columns, Object[] values) {
        w.uint8(TYPE);
        int n = columns.size();
        for (int start = 0; start < n; start += 8) {
            int bits = 0;
            for (int i = start; i < Math.min(n, start + 8); i++) {
                if (values[i] == null) {
                    bits |= 1 << (i - start);
                }
            }
            w.uint8(bits);
        }
        for (int i = 0; i < n; i++) {
            if (values[i] != null) {
                TdsValues.write(w, columns.get(i).type(), values[i]);
            }
        }
    }
}
