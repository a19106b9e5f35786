package dev.milab.sql.tds;

import java.util.List;

/**
 * COLMETADATA (MS-TDS 2.2.7.4, token 0x81): the columns of the result set that follows. The lab writes two
 * types: NVARCHAR (0xE7, with a max length in bytes and a collation) and INTN (0x26, length 4), both nullable.
 */
public record ColMetadataToken(List<Column> columns) implements ServerToken {

    public static final int TYPE = 0x81;
    public static final int NVARCHAR = 0xE7;
    public static final int INTN = 0x26;
    private static final int FLAG_NULLABLE = 0x0001;

    /** A result column: its name and type (NVARCHAR with a maximum length in characters, or INT). */
    public record Column(String name, int tdsType, int maxChars) {

        public static Column nvarchar(String name, int maxChars) {
            return new Column(name, NVARCHAR, maxChars);
        }

        public static Column integer(String name) {
            return new Column(name, INTN, 0);
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
            w.int32(0).uint16(FLAG_NULLABLE).uint8(c.tdsType());
            if (c.tdsType() == NVARCHAR) {
                w.uint16(c.maxChars() * 2).bytes(Collation.SQL_LATIN1_GENERAL_CP1_CI_AS.encode());
            } else {
                w.uint8(4);
            }
            w.bVarchar(c.name());
        }
    }
}
