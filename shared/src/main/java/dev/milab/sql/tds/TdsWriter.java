package dev.milab.sql.tds;

import java.util.Arrays;

/** A growable little-endian buffer for encoding server messages and tokens (MS-TDS 2.2.1). */
public final class TdsWriter {

    private byte[] buffer = new byte[256];
    private int size;

    public TdsWriter uint8(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    public TdsWriter uint16(int value) {
        ensure(2);
        buffer[size++] = (byte) value;
        buffer[size++] = (byte) (value >>> 8);
        return this;
    }

    public TdsWriter uint16BigEndian(int value) {
        ensure(2);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
        return this;
    }

    public TdsWriter int32(int value) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buffer[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    public TdsWriter int32BigEndian(int value) {
        ensure(4);
        for (int i = 3; i >= 0; i--) {
            buffer[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    public TdsWriter int64(long value) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buffer[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    public TdsWriter bytes(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, buffer, size, value.length);
        size += value.length;
        return this;
    }

    /** UCS-2 characters without a length prefix (UTF-16 code units, little-endian, as Java holds them). */
    public TdsWriter ucs2(String value) {
        int n = value.length();
        ensure(2 * n);
        // Locals, not fields, in the loop: rows of text spend most of their encoding time here.
        byte[] out = buffer;
        int at = size;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            out[at] = (byte) c;
            out[at + 1] = (byte) (c >>> 8);
            at += 2;
        }
        size = at;
        return this;
    }

    /** The low {@code count} bytes of {@code value}, little-endian (3-byte dates, 5-byte times, decimals). */
    public TdsWriter littleEndian(long value, int count) {
        ensure(count);
        for (int i = 0; i < count; i++) {
            buffer[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    /** B_VARCHAR: a one-byte character count, then UCS-2. */
    public TdsWriter bVarchar(String value) {
        if (value.length() > 255) {
            throw new IllegalArgumentException("B_VARCHAR longer than 255 characters");
        }
        return uint8(value.length()).ucs2(value);
    }

    /** US_VARCHAR: a two-byte character count, then UCS-2. */
    public TdsWriter usVarchar(String value) {
        if (value.length() > 0xFFFF) {
            throw new IllegalArgumentException("US_VARCHAR longer than 65535 characters");
        }
        return uint16(value.length()).ucs2(value);
    }

    /** Overwrites a little-endian USHORT written earlier (a length known only afterwards). */
    public void patchUint16(int at, int value) {
        buffer[at] = (byte) value;
        buffer[at + 1] = (byte) (value >>> 8);
    }

    public void patchInt32(int at, int value) {
        for (int i = 0; i < 4; i++) {
            buffer[at + i] = (byte) (value >>> (8 * i));
        }
    }

    public int size() {
        return size;
    }

    /** Writes {@code length} bytes from the start of this buffer to {@code out} (the response writer's packets). */
    void writeTo(java.io.OutputStream out, int length) throws java.io.IOException {
        out.write(buffer, 0, length);
    }

    /** Drops the first {@code count} bytes, keeping the rest. */
    void dropFront(int count) {
        System.arraycopy(buffer, count, buffer, 0, size - count);
        size -= count;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
