package dev.milab.sql.tds;

/**
 * SQLBatch (MS-TDS 2.2.6.7, packet type 0x01): ALL_HEADERS ({@link AllHeaders}) followed by the batch text in
 * UCS-2.
 */
public record SqlBatchMessage(String text) {

    /** One million characters: far more than a lab batch, far less than memory. */
    public static final int MAX_TEXT_CHARS = 1024 * 1024;

    public static SqlBatchMessage decode(byte[] payload) throws TdsProtocolException {
        int start = AllHeaders.skip(payload);
        TdsReader text = new TdsReader(payload).slice(start, payload.length - start, "SQL text");
        if (text.remaining() % 2 != 0) {
            throw new TdsProtocolException("SQL text has an odd number of bytes");
        }
        int chars = text.remaining() / 2;
        if (chars > MAX_TEXT_CHARS) {
            throw new TdsProtocolException("SQL text longer than " + MAX_TEXT_CHARS + " characters");
        }
        return new SqlBatchMessage(text.ucs2(chars));
    }
}
