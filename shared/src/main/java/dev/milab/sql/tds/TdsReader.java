package dev.milab.sql.tds;

import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked reading of a TDS message payload: little-endian integers (MS-TDS 2.2.1 "Data Stream Types"),
 * big-endian where the spec says so, and UCS-2 strings. Every read past the end, and every length that points
 * outside the payload, is a {@link TdsProtocolException}, never an index exception.
 */
public final class TdsReader {

    private final byte[] data;
    private final int end;
    private int position;

    public TdsReader(byte[] data) {
        this(data, 0, data.length);
    }

    public TdsReader(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IllegalArgumentException("offset/length outside the array");
        }
        this.data = data;
        this.position = offset;
        this.end = offset + length;
    }

    public int position() {
        return position;
    }

    public int remaining() {
        return end - position;
    }

    public void require(int count, String what) throws TdsProtocolException {
        if (count < 0 || count > remaining()) {
            throw new TdsProtocolException(what + " needs " + count + " bytes, " + remaining() + " left");
        }
    }

    public int uint8() throws TdsProtocolException {
        require(1, "BYTE");
        return data[position++] & 0xFF;
    }

    /** USHORT, little-endian. */
    public int uint16() throws TdsProtocolException {
        require(2, "USHORT");
        int v = (data[position] & 0xFF) | (data[position + 1] & 0xFF) << 8;
        position += 2;
        return v;
    }

    /** USHORT, big-endian (packet headers and PRELOGIN offsets). */
    public int uint16BigEndian() throws TdsProtocolException {
        require(2, "USHORT (big-endian)");
        int v = (data[position] & 0xFF) << 8 | (data[position + 1] & 0xFF);
        position += 2;
        return v;
    }

    /** LONG/DWORD, little-endian. */
    public int int32() throws TdsProtocolException {
        require(4, "DWORD");
        int v = (data[position] & 0xFF) | (data[position + 1] & 0xFF) << 8 | (data[position + 2] & 0xFF) << 16
            | (data[position + 3] & 0xFF) << 24;
        position += 4;
        return v;
    }

    /** DWORD, big-endian. */
    public int int32BigEndian() throws TdsProtocolException {
        require(4, "DWORD (big-endian)");
        int v = (data[position] & 0xFF) << 24 | (data[position + 1] & 0xFF) << 16 | (data[position + 2] & 0xFF) << 8
            | (data[position + 3] & 0xFF);
        position += 4;
        return v;
    }

    public long int64() throws TdsProtocolException {
        long low = int32() & 0xFFFFFFFFL;
        long high = int32() & 0xFFFFFFFFL;
        return high << 32 | low;
    }

    public byte[] bytes(int count) throws TdsProtocolException {
        require(count, "byte run");
        byte[] out = new byte[count];
        System.arraycopy(data, position, out, 0, count);
        position += count;
        return out;
    }

    public void skip(int count) throws TdsProtocolException {
        require(count, "skipped bytes");
        position += count;
    }

    /** {@code chars} UCS-2 characters. */
    public String ucs2(int chars) throws TdsProtocolException {
        if (chars < 0 || chars > remaining() / 2) {
            throw new TdsProtocolException("UCS-2 string of " + chars + " characters, " + remaining() + " bytes left");
        }
        String s = new String(data, position, chars * 2, StandardCharsets.UTF_16LE);
        position += chars * 2;
        return s;
    }

    /** A reader over {@code length} bytes at absolute payload offset {@code offset}, checked against this payload. */
    public TdsReader slice(int offset, int length, String what) throws TdsProtocolException {
        if (offset < 0 || length < 0 || (long) offset + length > end) {
            throw new TdsProtocolException(what + " at offset " + offset + " length " + length
                + " lies outside the " + end + "-byte message");
        }
        return new TdsReader(data, offset, length);
    }
}
