package dev.milab.sql.tds;

/**
 * TYPE_INFO (MS-TDS 2.2.5.6 "Type Info Rule Definition"): a data type byte (MS-TDS 2.2.5.4 "Data Type
 * Definitions") and what the type needs to be read: a maximum length for variable-length types (one byte, two
 * bytes, or four), precision and scale for decimals, a scale only for time, datetime2 and datetimeoffset, a
 * collation for character types. {@code maxLength} {@value #MAX} on a two-byte-length type means a PLP value
 * ({@code nvarchar(max)}, {@code varbinary(max)}). Fixed-length types carry their length implicitly.
 */
public record TypeInfo(int type, int maxLength, int precision, int scale, Collation collation) {

    // Fixed-length types (MS-TDS 2.2.5.4.1)
    public static final int NULLTYPE = 0x1F;
    public static final int INT1 = 0x30;
    public static final int BIT = 0x32;
    public static final int INT2 = 0x34;
    public static final int INT4 = 0x38;
    public static final int DATETIM4 = 0x3A;
    public static final int FLT4 = 0x3B;
    public static final int MONEY = 0x3C;
    public static final int DATETIME = 0x3D;
    public static final int FLT8 = 0x3E;
    public static final int MONEY4 = 0x7A;
    public static final int INT8 = 0x7F;

    // Variable-length types with a one-byte length (MS-TDS 2.2.5.4.2)
    public static final int GUID = 0x24;
    public static final int INTN = 0x26;
    public static final int DECIMAL = 0x37;
    public static final int NUMERIC = 0x3F;
    public static final int BITN = 0x68;
    public static final int DECIMALN = 0x6A;
    public static final int NUMERICN = 0x6C;
    public static final int FLTN = 0x6D;
    public static final int MONEYN = 0x6E;
    public static final int DATETIMN = 0x6F;
    public static final int DATEN = 0x28;
    public static final int TIMEN = 0x29;
    public static final int DATETIME2N = 0x2A;
    public static final int DATETIMEOFFSETN = 0x2B;

    // Variable-length types with a two-byte length, or PLP when it is 0xFFFF
    public static final int BIGVARBINARY = 0xA5;
    public static final int BIGVARCHAR = 0xA7;
    public static final int BIGBINARY = 0xAD;
    public static final int BIGCHAR = 0xAF;
    public static final int NVARCHAR = 0xE7;
    public static final int NCHAR = 0xEF;

    // Variable-length types with a four-byte length
    public static final int IMAGE = 0x22;
    public static final int TEXT = 0x23;
    public static final int NTEXT = 0x63;

    /** USHORTMAXLEN: the two-byte length that announces a PLP value (MS-TDS 2.2.5.6). */
    public static final int MAX = 0xFFFF;
    /** The longest non-PLP character or binary value in bytes. */
    public static final int SHORT_MAX_BYTES = 8000;

    public static TypeInfo intN(int bytes) {
        return new TypeInfo(INTN, bytes, 0, 0, null);
    }

    public static TypeInfo bitN() {
        return new TypeInfo(BITN, 1, 0, 0, null);
    }

    /** FLTN of 4 bytes is {@code real}, of 8 bytes {@code float}. */
    public static TypeInfo fltN(int bytes) {
        return new TypeInfo(FLTN, bytes, 0, 0, null);
    }

    public static TypeInfo decimalN(int precision, int scale) {
        return new TypeInfo(DECIMALN, decimalLength(precision), precision, scale, null);
    }

    /** {@code nvarchar(n)}, or {@code nvarchar(max)} when {@code maxChars} is more than 4000 or negative. */
    public static TypeInfo nvarchar(int maxChars) {
        int bytes = maxChars < 0 || maxChars > SHORT_MAX_BYTES / 2 ? MAX : Math.max(1, maxChars) * 2;
        return new TypeInfo(NVARCHAR, bytes, 0, 0, Collation.SQL_LATIN1_GENERAL_CP1_CI_AS);
    }

    public static TypeInfo nchar(int chars) {
        return new TypeInfo(NCHAR, Math.max(1, chars) * 2, 0, 0, Collation.SQL_LATIN1_GENERAL_CP1_CI_AS);
    }

    /** {@code varbinary(n)}, or {@code varbinary(max)} when {@code maxBytes} is more than 8000 or negative. */
    public static TypeInfo varbinary(int maxBytes) {
        int bytes = maxBytes < 0 || maxBytes > SHORT_MAX_BYTES ? MAX : Math.max(1, maxBytes);
        return new TypeInfo(BIGVARBINARY, bytes, 0, 0, null);
    }

    public static TypeInfo binary(int bytes) {
        return new TypeInfo(BIGBINARY, Math.max(1, bytes), 0, 0, null);
    }

    public static TypeInfo date() {
        return new TypeInfo(DATEN, 3, 0, 0, null);
    }

    public static TypeInfo time(int scale) {
        return new TypeInfo(TIMEN, timeLength(scale), 0, scale, null);
    }

    public static TypeInfo datetime2(int scale) {
        return new TypeInfo(DATETIME2N, timeLength(scale) + 3, 0, scale, null);
    }

    public static TypeInfo datetimeOffset(int scale) {
        return new TypeInfo(DATETIMEOFFSETN, timeLength(scale) + 5, 0, scale, null);
    }

    public static TypeInfo guid() {
        return new TypeInfo(GUID, 16, 0, 0, null);
    }

    /** Bytes of a decimal value for a precision, sign byte included (T-SQL "decimal and numeric" storage sizes). */
    public static int decimalLength(int precision) {
        return precision <= 9 ? 5 : precision <= 19 ? 9 : precision <= 28 ? 13 : 17;
    }

    /** Bytes of a time value for a scale: 3 up to scale 2, 4 up to 4, else 5 (MS-TDS 2.2.5.4.3). */
    public static int timeLength(int scale) {
        return scale <= 2 ? 3 : scale <= 4 ? 4 : 5;
    }

    /** Whether values of this type travel as PLP (partially length-prefixed, MS-TDS 2.2.5.2.3). */
    public boolean plp() {
        return maxLength == MAX && hasUshortLength(type);
    }

    static boolean hasUshortLength(int type) {
        return type == BIGVARBINARY || type == BIGVARCHAR || type == BIGBINARY || type == BIGCHAR || type == NVARCHAR
            || type == NCHAR;
    }

    /** The length a fixed-length type implies, or -1 for a variable-length type. */
    static int fixedLength(int type) {
        return switch (type) {
            case NULLTYPE -> 0;
            case INT1, BIT -> 1;
            case INT2 -> 2;
            case INT4, DATETIM4, FLT4, MONEY4 -> 4;
            case MONEY, DATETIME, FLT8, INT8 -> 8;
            default -> -1;
        };
    }

    /** Reads a TYPE_INFO; a type this server does not read (XML, UDT, sql_variant, TVP, JSON) is refused. */
    public static TypeInfo decode(TdsReader r) throws TdsProtocolException {
        int type = r.uint8();
        int fixed = fixedLength(type);
        if (fixed >= 0) {
            return new TypeInfo(type, fixed, 0, 0, null);
        }
        return switch (type) {
            case GUID, INTN, BITN, FLTN, MONEYN, DATETIMN -> new TypeInfo(type, r.uint8(), 0, 0, null);
            case DECIMAL, NUMERIC, DECIMALN, NUMERICN -> {
                int length = r.uint8();
                int precision = r.uint8();
                int scale = r.uint8();
                if (precision < 1 || precision > 38 || scale > precision) {
                    throw new TdsProtocolException("Decimal precision " + precision + " and scale " + scale
                        + " are outside 1..38");
                }
                yield new TypeInfo(type, length, precision, scale, null);
            }
            case DATEN -> new TypeInfo(type, 3, 0, 0, null);
            case TIMEN, DATETIME2N, DATETIMEOFFSETN -> {
                int scale = r.uint8();
                if (scale > 7) {
                    throw new TdsProtocolException("Time scale " + scale + " is more than 7");
                }
                int extra = type == TIMEN ? 0 : type == DATETIME2N ? 3 : 5;
                yield new TypeInfo(type, timeLength(scale) + extra, 0, scale, null);
            }
            case BIGVARBINARY, BIGBINARY -> new TypeInfo(type, r.uint16(), 0, 0, null);
            case BIGVARCHAR, BIGCHAR, NVARCHAR, NCHAR -> {
                int length = r.uint16();
                yield new TypeInfo(type, length, 0, 0, Collation.decode(r));
            }
            case TEXT, NTEXT -> {
                int length = r.int32();
                yield new TypeInfo(type, length, 0, 0, Collation.decode(r));
            }
            case IMAGE -> new TypeInfo(type, r.int32(), 0, 0, null);
            default -> throw new TdsProtocolException(String.format("Data type 0x%02X is not supported", type));
        };
    }

    /** Writes this TYPE_INFO as COLMETADATA and RETURNVALUE carry it. */
    public void encode(TdsWriter w) {
        w.uint8(type);
        switch (type) {
            case GUID, INTN, BITN, FLTN, MONEYN, DATETIMN -> w.uint8(maxLength);
            case DECIMAL, NUMERIC, DECIMALN, NUMERICN -> w.uint8(maxLength).uint8(precision).uint8(scale);
            case TIMEN, DATETIME2N, DATETIMEOFFSETN -> w.uint8(scale);
            case BIGVARBINARY, BIGBINARY -> w.uint16(maxLength);
            case BIGVARCHAR, BIGCHAR, NVARCHAR, NCHAR -> w.uint16(maxLength).bytes(collationOrDefault().encode());
            default -> {
                // fixed-length types and DATEN: the type byte is all
            }
        }
    }

    private Collation collationOrDefault() {
        return collation == null ? Collation.SQL_LATIN1_GENERAL_CP1_CI_AS : collation;
    }
}
