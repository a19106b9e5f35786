package dev.milab.sql.tds;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * ROW (MS-TDS 2.2.7.19, token 0xD1): one row of values in COLMETADATA's order. NVARCHAR is a USHORT byte length
 * (0xFFFF for NULL) and UCS-2; INTN a length byte (0 for NULL, else 4) and the value.
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
        w.uint8(TYPE);
        for (int i = 0; i < columns.size(); i++) {
            Object value = values.get(i);
            if (columns.get(i).tdsType() == ColMetadataToken.NVARCHAR) {
                if (value == null) {
                    w.uint16(0xFFFF);
                } else {
                    String s = value.toString();
                    w.uint16(s.length() * 2).ucs2(s);
                }
            } else if (value == null) {
                w.uint8(0);
            } else {
                w.uint8(4).int32(((Number) value).intValue());
            }
        }
    }
}
