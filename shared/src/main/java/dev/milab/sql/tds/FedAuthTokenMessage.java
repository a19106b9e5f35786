package dev.milab.sql.tds;

import java.nio.charset.StandardCharsets;

/**
 * The client's federated authentication token message (MS-TDS 2.2.6.3, packet type 0x08), sent after the server's
 * FEDAUTHINFO: DataLen, then TokenLen and the access token in UTF-16LE, then an optional 32-byte nonce.
 *
 * @param token the access token; never printed
 */
public record FedAuthTokenMessage(String token) {

    public static FedAuthTokenMessage decode(byte[] payload) throws TdsProtocolException {
        TdsReader r = new TdsReader(payload);
        int dataLength = r.int32();
        if (dataLength != r.remaining()) {
            throw new TdsProtocolException("FEDAUTH token message DataLen " + dataLength + " does not match its "
                + r.remaining() + " bytes");
        }
        int tokenLength = r.int32();
        if (tokenLength <= 0 || tokenLength > FedAuthFeature.MAX_TOKEN_BYTES || tokenLength % 2 != 0) {
            throw new TdsProtocolException("FEDAUTH token length " + tokenLength + " is not allowed");
        }
        String token = new String(r.bytes(tokenLength), StandardCharsets.UTF_16LE);
        if (r.remaining() != 0 && r.remaining() != 32) {
            throw new TdsProtocolException("FEDAUTH token message has " + r.remaining() + " trailing bytes");
        }
        return new FedAuthTokenMessage(token);
    }

    /** The message as a client sends it (the lab's tests build one around a fresh token). */
    public byte[] encode() {
        byte[] bytes = token.getBytes(StandardCharsets.UTF_16LE);
        return new TdsWriter().int32(bytes.length + 4).int32(bytes.length).bytes(bytes).toByteArray();
    }

    @Override
    public String toString() {
        return "FedAuthTokenMessage[token=<" + token.length() + " chars>]";
    }
}
