package dev.milab.sql.tds;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Values on the wire, as TYPE_VARBYTE (MS-TDS 2.2.5.2 "Data Type Dependent Data Streams") for the type a TYPE_INFO
 * names: what RPC parameters carry and what ROW, NBCROW and RETURNVALUE tokens carry. Java forms: {@code tinyint}
 * reads as a {@link Short} (it is unsigned), {@code smallint} {@link Short}, {@code int} {@link Integer},
 * {@code bigint} {@link Long}, {@code bit} {@link Boolean}, {@code real} {@link Float}, {@code float}
 * {@link Double}, decimal and money {@link BigDecimal}, characters {@link String}, binary {@code byte[]},
 * {@code uniqueidentifier} {@link UUID}, {@code date} {@link LocalDate}, {@code time} {@link LocalTime},
 * {@code datetime}, {@code smalldatetime} and {@code datetime2} {@link LocalDateTime}, {@code datetimeoffset}
 * {@link OffsetDateTime}; SQL NULL is {@code null}.
 */
public final class TdsValues {

    /** {@code varchar} values travel in the collation's code page: Latin1_General's is Windows-1252. */
    static final Charset CODE_PAGE_1252 = Charset.forName("windows-1252");
    private static final long DAY_0001 = LocalDate.of(1, 1, 1).toEpochDay();
    private static final long DAY_1900 = LocalDate.of(1900, 1, 1).toEpochDay();
    private static final long PLP_NULL = 0xFFFFFFFFFFFFFFFFL;
    private static final long PLP_UNKNOWN_LENGTH = 0xFFFFFFFFFFFFFFFEL;
    private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L};

    private TdsValues() {
    }

    /** Reads one value of type {@code type}; lengths that do not fit the type are protocol errors. */
    public static Object read(TdsReader r, TypeInfo type) throws TdsProtocolException {
        int t = type.type();
        return switch (t) {
            case TypeInfo.NULLTYPE -> null;
            case TypeInfo.INT1 -> (short) r.uint8();
            case TypeInfo.BIT -> r.uint8() != 0;
            case TypeInfo.INT2 -> (short) r.uint16();
            case TypeInfo.INT4 -> r.int32();
            case TypeInfo.INT8 -> r.int64();
            case TypeInfo.FLT4 -> Float.intBitsToFloat(r.int32());
            case TypeInfo.FLT8 -> Double.longBitsToDouble(r.int64());
            case TypeInfo.MONEY -> money8(r);
            case TypeInfo.MONEY4 -> BigDecimal.valueOf(r.int32(), 4);
            case TypeInfo.DATETIME -> datetime8(r);
            case TypeInfo.DATETIM4 -> datetime4(r);
            case TypeInfo.INTN -> switch (byteLength(r, 1, 2, 4, 8)) {
                case 0 -> null;
                case 1 -> (short) r.uint8();
                case 2 -> (short) r.uint16();
                case 4 -> r.int32();
                default -> r.int64();
            };
            case TypeInfo.BITN -> byteLength(r, 1) == 0 ? null : r.uint8() != 0;
            case TypeInfo.FLTN -> switch (byteLength(r, 4, 8)) {
                case 0 -> null;
                case 4 -> Float.intBitsToFloat(r.int32());
                default -> Double.longBitsToDouble(r.int64());
            };
            case TypeInfo.MONEYN -> switch (byteLength(r, 4, 8)) {
                case 0 -> null;
                case 4 -> BigDecimal.valueOf(r.int32(), 4);
                default -> money8(r);
            };
            case TypeInfo.DATETIMN -> switch (byteLength(r, 4, 8)) {
                case 0 -> null;
                case 4 -> datetime4(r);
                default -> datetime8(r);
            };
            case TypeInfo.GUID -> byteLength(r, 16) == 0 ? null : guid(r.bytes(16));
            case TypeInfo.DECIMAL, TypeInfo.NUMERIC, TypeInfo.DECIMALN, TypeInfo.NUMERICN -> decimal(r, type);
            case TypeInfo.DATEN -> byteLength(r, 3) == 0 ? null : date(r);
            case TypeInfo.TIMEN -> byteLength(r, TypeInfo.timeLength(type.scale())) == 0 ? null
                : time(r, type.scale());
            case TypeInfo.DATETIME2N -> {
                if (byteLength(r, TypeInfo.timeLength(type.scale()) + 3) == 0) {
                    yield null;
                }
                LocalTime time = time(r, type.scale());
                yield LocalDateTime.of(date(r), time);
            }
            case TypeInfo.DATETIMEOFFSETN -> {
                if (byteLength(r, TypeInfo.timeLength(type.scale()) + 5) == 0) {
                    yield null;
                }
                LocalTime time = time(r, type.scale());
                LocalDate date = date(r);
                int minutes = (short) r.uint16();
                if (minutes < -14 * 60 || minutes > 14 * 60) {
                    throw new TdsProtocolException("Time zone offset of " + minutes + " minutes");
                }
                ZoneOffset offset = ZoneOffset.ofTotalSeconds(minutes * 60);
                yield OffsetDateTime.of(LocalDateTime.of(date, time), ZoneOffset.UTC).withOffsetSameInstant(offset);
            }
            case TypeInfo.BIGVARCHAR, TypeInfo.BIGCHAR, TypeInfo.NVARCHAR, TypeInfo.NCHAR, TypeInfo.BIGVARBINARY,
                TypeInfo.BIGBINARY -> {
                byte[] bytes;
                if (type.plp()) {
                    bytes = plp(r);
                } else {
                    int length = r.uint16();
                    bytes = length == 0xFFFF ? null : r.bytes(length);
                }
                yield bytes == null ? null : bytesAs(t, bytes);
            }
            case TypeInfo.TEXT, TypeInfo.NTEXT, TypeInfo.IMAGE -> {
                int length = r.int32();
                yield length == -1 ? null : bytesAs(t, r.bytes(length));
            }
            default -> throw new TdsProtocolException(String.format("Data type 0x%02X is not supported", t));
        };
    }

    /** A one-byte length that must be 0 (NULL) or one of {@code allowed}. */
    private static int byteLength(TdsReader r, int... allowed) throws TdsProtocolException {
        int length = r.uint8();
        if (length == 0) {
            return 0;
        }
        for (int a : allowed) {
            if (a == length) {
                return length;
            }
        }
        throw new TdsProtocolException("A value of " + length + " bytes does not fit its type");
    }

    private static Object bytesAs(int type, byte[] bytes) throws TdsProtocolException {
        return switch (type) {
            case TypeInfo.NVARCHAR, TypeInfo.NCHAR, TypeInfo.NTEXT -> {
                if (bytes.length % 2 != 0) {
                    throw new TdsProtocolException("UCS-2 text with an odd number of bytes");
                }
                yield new String(bytes, StandardCharsets.UTF_16LE);
            }
            case TypeInfo.BIGVARCHAR, TypeInfo.BIGCHAR, TypeInfo.TEXT -> new String(bytes, CODE_PAGE_1252);
            default -> bytes;
        };
    }

    /** PLP (MS-TDS 2.2.5.2.3): a total length (or unknown), then chunks, each with its length, until a zero one. */
    private static byte[] plp(TdsReader r) throws TdsProtocolException {
        long total = r.int64();
        if (total == PLP_NULL) {
            return null;
        }
        if (total != PLP_UNKNOWN_LENGTH && (total < 0 || total > r.remaining())) {
            throw new TdsProtocolException("PLP length " + total + " is outside the message");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(
            total == PLP_UNKNOWN_LENGTH ? 256 : (int) total);
        while (true) {
            int chunk = r.int32();
            if (chunk == 0) {
                break;
            }
            r.require(chunk, "PLP chunk");
            out.writeBytes(r.bytes(chunk));
        }
        if (total != PLP_UNKNOWN_LENGTH && out.size() != total) {
            throw new TdsProtocolException("PLP chunks hold " + out.size() + " bytes, the header said " + total);
        }
        return out.toByteArray();
    }

    private static BigDecimal decimal(TdsReader r, TypeInfo type) throws TdsProtocolException {
        int length = r.uint8();
        if (length == 0) {
            return null;
        }
        if (length > 17) {
            throw new TdsProtocolException("A decimal of " + length + " bytes");
        }
        int sign = r.uint8();
        byte[] littleEndian = r.bytes(length - 1);
        byte[] bigEndian = new byte[littleEndian.length + 1];
        for (int i = 0; i < littleEndian.length; i++) {
            bigEndian[bigEndian.length - 1 - i] = littleEndian[i];
        }
        BigInteger magnitude = new BigInteger(bigEndian);
        return new BigDecimal(sign == 0 ? magnitude.negate() : magnitude, type.scale());
    }

    private static BigDecimal money8(TdsReader r) throws TdsProtocolException {
        long high = r.int32();
        long low = r.int32() & 0xFFFFFFFFL;
        return BigDecimal.valueOf(high << 32 | low, 4);
    }

    /** {@code datetime}: days since 1900-01-01 and 1/300 seconds since midnight. */
    private static LocalDateTime datetime8(TdsReader r) throws TdsProtocolException {
        int days = r.int32();
        long ticks = r.int32() & 0xFFFFFFFFL;
        if (ticks >= 300L * 86_400) {
            throw new TdsProtocolException("datetime ticks past midnight");
        }
        long nanos = Math.round(ticks * 1_000_000_000.0 / 300 / 1_000_000) * 1_000_000;
        return LocalDate.ofEpochDay(DAY_1900 + days).atStartOfDay().plusNanos(nanos);
    }

    /** {@code smalldatetime}: days since 1900-01-01 and minutes since midnight. */
    private static LocalDateTime datetime4(TdsReader r) throws TdsProtocolException {
        int days = r.uint16();
        int minutes = r.uint16();
        if (minutes >= 24 * 60) {
            throw new TdsProtocolException("smalldatetime minutes past midnight");
        }
        return LocalDate.ofEpochDay(DAY_1900 + days).atStartOfDay().plusMinutes(minutes);
    }

    private static LocalDate date(TdsReader r) throws TdsProtocolException {
        int days = r.uint8() | r.uint8() << 8 | r.uint8() << 16;
        return LocalDate.ofEpochDay(DAY_0001 + days);
    }

    private static LocalTime time(TdsReader r, int scale) throws TdsProtocolException {
        int length = TypeInfo.timeLength(scale);
        long ticks = 0;
        for (int i = 0; i < length; i++) {
            ticks |= (long) r.uint8() << (8 * i);
        }
        long nanos = ticks * POWERS_OF_TEN[9 - scale];
        if (nanos >= 86_400_000_000_000L) {
            throw new TdsProtocolException("time past midnight");
        }
        return LocalTime.ofNanoOfDay(nanos);
    }

    /** A GUID's first three groups travel little-endian, the last two as they are written. */
    private static UUID guid(byte[] b) {
        long msb = (b[3] & 0xFFL) << 56 | (b[2] & 0xFFL) << 48 | (b[1] & 0xFFL) << 40 | (b[0] & 0xFFL) << 32
            | (b[5] & 0xFFL) << 24 | (b[4] & 0xFFL) << 16 | (b[7] & 0xFFL) << 8 | (b[6] & 0xFFL);
        long lsb = 0;
        for (int i = 8; i < 16; i++) {
            lsb = lsb << 8 | (b[i] & 0xFFL);
        }
        return new UUID(msb, lsb);
    }

    private static byte[] guidBytes(UUID u) {
        long msb = u.getMostSignificantBits();
        long lsb = u.getLeastSignificantBits();
        byte[] b = new byte[16];
        b[0] = (byte) (msb >>> 32);
        b[1] = (byte) (msb >>> 40);
        b[2] = (byte) (msb >>> 48);
        b[3] = (byte) (msb >>> 56);
        b[4] = (byte) (msb >>> 16);
        b[5] = (byte) (msb >>> 24);
        b[6] = (byte) msb;
        b[7] = (byte) (msb >>> 8);
        for (int i = 0; i < 8; i++) {
            b[15 - i] = (byte) (lsb >>> (8 * i));
        }
        return b;
    }

    /**
     * Writes one value of {@code type}, NULL included, in the forms the server sends: INTN, BITN, FLTN, DECIMALN,
     * NVARCHAR and NCHAR, BIGVARBINARY and BIGBINARY (PLP when the type is {@code max}), DATEN, TIMEN, DATETIME2N,
     * DATETIMEOFFSETN and GUID. A decimal must already have the type's scale and fit its precision.
     */
    public static void write(TdsWriter w, TypeInfo type, Object value) {
        switch (type.type()) {
            case TypeInfo.INTN -> {
                if (value == null) {
                    w.uint8(0);
                    return;
                }
                long v = ((Number) value).longValue();
                switch (type.maxLength()) {
                    case 1 -> w.uint8(1).uint8((int) v);
                    case 2 -> w.uint8(2).uint16((int) v);
                    case 4 -> w.uint8(4).int32((int) v);
                    default -> w.uint8(8).int64(v);
                }
            }
            case TypeInfo.BITN -> {
                if (value == null) {
                    w.uint8(0);
                } else {
                    w.uint8(1).uint8(Boolean.TRUE.equals(value) ? 1 : 0);
                }
            }
            case TypeInfo.FLTN -> {
                if (value == null) {
                    w.uint8(0);
                } else if (type.maxLength() == 4) {
                    w.uint8(4).int32(Float.floatToIntBits(((Number) value).floatValue()));
                } else {
                    w.uint8(8).int64(Double.doubleToLongBits(((Number) value).doubleValue()));
                }
            }
            case TypeInfo.DECIMALN, TypeInfo.NUMERICN -> writeDecimal(w, type, (BigDecimal) value);
            case TypeInfo.NVARCHAR, TypeInfo.NCHAR -> writeText(w, type, value == null ? null : value.toString());
            case TypeInfo.BIGVARCHAR, TypeInfo.BIGCHAR -> writeBytes(w, type, value == null ? null
                : value.toString().getBytes(CODE_PAGE_1252));
            case TypeInfo.BIGVARBINARY, TypeInfo.BIGBINARY -> writeBytes(w, type, (byte[]) value);
            case TypeInfo.DATEN -> {
                if (value == null) {
                    w.uint8(0);
                } else {
                    w.uint8(3);
                    writeDate(w, (LocalDate) value);
                }
            }
            case TypeInfo.TIMEN -> {
                if (value == null) {
                    w.uint8(0);
                } else {
                    w.uint8(TypeInfo.timeLength(type.scale()));
                    writeTime(w, (LocalTime) value, type.scale());
                }
            }
            case TypeInfo.DATETIME2N -> {
                if (value == null) {
                    w.uint8(0);
                } else {
                    LocalDateTime v = (LocalDateTime) value;
                    w.uint8(TypeInfo.timeLength(type.scale()) + 3);
                    writeTime(w, v.toLocalTime(), type.scale());
                    writeDate(w, v.toLocalDate());
                }
            }
            case TypeInfo.DATETIMEOFFSETN -> {
                if (value == null) {
                    w.uint8(0);
                } else {
                    OffsetDateTime v = (OffsetDateTime) value;
                    LocalDateTime utc = v.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
                    w.uint8(TypeInfo.timeLength(type.scale()) + 5);
                    writeTime(w, utc.toLocalTime(), type.scale());
                    writeDate(w, utc.toLocalDate());
                    w.uint16(v.getOffset().getTotalSeconds() / 60);
                }
            }
            case TypeInfo.GUID -> {
                if (value == null) {
                    w.uint8(0);
                } else {
                    w.uint8(16).bytes(guidBytes((UUID) value));
                }
            }
            default -> throw new IllegalArgumentException(String.format("The server does not send type 0x%02X",
                type.type()));
        }
    }

    /** UCS-2 text without an intermediate byte array: the length is twice the UTF-16 units. */
    private static void writeText(TdsWriter w, TypeInfo type, String text) {
        if (text == null) {
            writeBytes(w, type, null);
            return;
        }
        int length = 2 * text.length();
        if (type.plp()) {
            w.int64(length);
            if (length > 0) {
                w.int32(length).ucs2(text);
            }
            w.int32(0);
        } else {
            w.uint16(length).ucs2(text);
        }
    }

    private static void writeBytes(TdsWriter w, TypeInfo type, byte[] bytes) {
        if (type.plp()) {
            if (bytes == null) {
                w.int64(PLP_NULL);
                return;
            }
            w.int64(bytes.length);
            if (bytes.length > 0) {
                w.int32(bytes.length).bytes(bytes);
            }
            w.int32(0);
        } else if (bytes == null) {
            w.uint16(0xFFFF);
        } else {
            w.uint16(bytes.length).bytes(bytes);
        }
    }

    private static void writeDecimal(TdsWriter w, TypeInfo type, BigDecimal value) {
        if (value == null) {
            w.uint8(0);
            return;
        }
        int length = TypeInfo.decimalLength(type.precision());
        BigInteger unscaled = value.unscaledValue();
        w.uint8(length).uint8(unscaled.signum() < 0 ? 0 : 1);
        if (unscaled.bitLength() < 63) {
            long magnitude = Math.abs(unscaled.longValue());
            w.littleEndian(magnitude, Math.min(8, length - 1)).littleEndian(0, Math.max(0, length - 9));
            return;
        }
        byte[] bigEndian = unscaled.abs().toByteArray();
        for (int i = 0; i < length - 1; i++) {
            int at = bigEndian.length - 1 - i;
            w.uint8(at >= 0 ? bigEndian[at] : 0);
        }
    }

    private static void writeDate(TdsWriter w, LocalDate date) {
        w.littleEndian(date.toEpochDay() - DAY_0001, 3);
    }

    private static void writeTime(TdsWriter w, LocalTime time, int scale) {
        w.littleEndian(time.toNanoOfDay() / POWERS_OF_TEN[9 - scale], TypeInfo.timeLength(scale));
    }
}
