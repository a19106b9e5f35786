package dev.milab.sql.tds;

/**
 * SQLBatch (MS-TDS 2.2.6.7, packet type 0x01): ALL_HEADERS (MS-TDS 2.2.5.3: a total length, then headers such
 * as the transaction descriptor) followed by the batch text in UCS-2.
 */
public record SqlBatchMessage(String text) {

    /** Far more than any identity statement; the next issue's engine may raise it. */
    public static final int MAX_TEXT_CHARS = 1024 * 1024;

    public static SqlBatchMessage decode(byte[] payload) throws TdsProtocolException {
        TdsReader r = new TdsReader(payload);
        int headersLength = r.int32();
        if (headersLength < 4 || headersLength > payload.length) {
            throw new TdsProtocolException("ALL_HEADERS length " + headersLength + " is outside the message");
        }
        TdsReader headers = r.slice(4, headersLength - 4, "ALL_HEADERS");
        while (headers.remaining() > 0) {
            int length = headers.int32();
            if (length < 6) {
                throw new TdsProtocolException("A header of " + length + " bytes is shorter than its own fields");
            }
            headers.uint16(); // HeaderType: 1 query notifications, 2 transaction descriptor, 3 trace activity
            headers.skip(length - 6);
        }
        TdsReader text = r.slice(headersLength, payload.length - headersLength, "SQL text");
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
