package dev.milab.sql.tds;

/**
 * ALL_HEADERS (MS-TDS 2.2.5.3), which starts SQL batch, RPC and transaction manager requests: a total length,
 * then headers, each with its own length and type (1 query notifications, 2 transaction descriptor, 3 trace
 * activity). The server reads past them; the lab keeps the transaction state itself.
 */
final class AllHeaders {

    private AllHeaders() {
    }

    /** Checks the headers and returns the offset where the request's own data starts. */
    static int skip(byte[] payload) throws TdsProtocolException {
        TdsReader r = new TdsReader(payload);
        int totalLength = r.int32();
        if (totalLength < 4 || totalLength > payload.length) {
            throw new TdsProtocolException("ALL_HEADERS length " + totalLength + " is outside the message");
        }
        TdsReader headers = r.slice(4, totalLength - 4, "ALL_HEADERS");
        while (headers.remaining() > 0) {
            int length = headers.int32();
            if (length < 6) {
                throw new TdsProtocolException("A header of " + length + " bytes is shorter than its own fields");
            }
            headers.uint16();
            headers.skip(length - 6);
        }
        return totalLength;
    }
}
