package dev.milab.sql.tds;

/**
 * A SQL collation on the wire (MS-TDS 2.2.5.1.2): LCID and flags in 4 bytes, then the SQL sort id.
 * Azure SQL Database's default is {@code SQL_Latin1_General_CP1_CI_AS}: LCID 0x0409, flags 0xD0 (ignore case,
 * accent-sensitive, ignore kana and width), sort id 52.
 */
public record Collation(int lcidAndFlags, int sortId) {

    public static final Collation SQL_LATIN1_GENERAL_CP1_CI_AS = new Collation(0x00D00409, 52);

    public static Collation decode(TdsReader r) throws TdsProtocolException {
        return new Collation(r.int32(), r.uint8());
    }

    public byte[] encode() {
        return new TdsWriter().int32(lcidAndFlags).uint8(sortId).toByteArray();
    }
}
