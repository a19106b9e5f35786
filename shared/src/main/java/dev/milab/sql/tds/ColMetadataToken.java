package dev.milab.sql.tds;

import java.util.List;

/**
 * COLMETADATA (MS-TDS 2.2.7.4, token 0x81): the columns of the result set that follows. Per column: UserType
 * (ULONG, 0), Flags (USHORT: 0x0001 nullable, 0x0010 identity), TYPE_INFO, and the column name (B_VARCHAR; empty
 * for an expression without an alias, as SQL Server sends it).
 */
public record ColMetadataToken(List<Column> columns) implements ServerToken {

    public static final int TYPE = 0x81;
    public static final int FLAG_NULLABLE = 0x0001;
    public static final int FLAG_IDENTITY = 0x0010;
    /** The most characters a column name has (sysname). */
    static final int MAX_NAME_CHARS = 128;

    /** A result column: its name, type and flags. */
    public record Column(String name, TypeInfo type, int flags) {

        public static Column nvarchar(String name, int maxChars) {
            return new Column(name, TypeInfo.nvarchar(maxChars), FLAG_NULLABLE);
        }

        public static Column integer(String name) {
            return new Column(name, TypeInfo.intN(4), FLAG_NULLABLE);
        }
    }

    public ColMetadataToken {
        columns = List.copyOf(columns);
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void encode(TdsWriter w) {
        w.uint8(TYPE).uint16(columns.size());
        for (Column c : columns) {
            w.int32(0).uint16(c.flags());
            c.type().encode(w);
            String name = c.name().length() > MAX_NAME_CHARS ? c.name().substring(0, MAX_NAME_CHARS) : c.name();
            w.bVarchar(name);
        }
    }
}
