package dev.milab.sql.tds;

import java.nio.charset.StandardCharsets;

/**
 * LOGIN7's FEDAUTH feature (MS-TDS 2.2.6.4, FeatureId 0x02): the library the client uses and whether it echoes
 * the server's FEDAUTHREQUIRED, then either the token itself (library SECURITYTOKEN, 0x01: mssql-jdbc's
 * {@code accessToken} property) or the workflow it will use to get one after the server's FEDAUTHINFO (library
 * MSAL, 0x02, formerly ADAL: managed identity, default credential, token callback).
 *
 * @param token the access token for SECURITYTOKEN, else null; never printed
 */
public record FedAuthFeature(int library, boolean echo, int workflow, String token) {

    public static final int LIBRARY_SECURITY_TOKEN = 0x01;
    public static final int LIBRARY_MSAL = 0x02;
    /** mssql-jdbc's workflow byte for managed identity, default credential and token callbacks. */
    public static final int WORKFLOW_MANAGED_IDENTITY = 0x03;
    /** A JWT is far smaller; a bigger token is refused before it is read. */
    public static final int MAX_TOKEN_BYTES = 64 * 1024;

    public static FedAuthFeature decode(byte[] data) throws TdsProtocolException {
        TdsReader r = new TdsReader(data);
        int options = r.uint8();
        int library = options >>> 1;
        boolean echo = (options & 0x01) != 0;
        switch (library) {
            case LIBRARY_SECURITY_TOKEN -> {
                int length = r.int32();
                if (length < 0 || length > MAX_TOKEN_BYTES || length % 2 != 0) {
                    throw new TdsProtocolException("FEDAUTH token length " + length + " is not allowed");
                }
                String token = new String(r.bytes(length), StandardCharsets.UTF_16LE);
                // a 32-byte nonce may follow (MS-TDS); Azure SQL tokens from mssql-jdbc carry none
                return new FedAuthFeature(library, echo, 0, token);
            }
            case LIBRARY_MSAL -> {
                return new FedAuthFeature(library, echo, r.uint8(), null);
            }
            default -> throw new TdsProtocolException("FEDAUTH library " + library + " is not supported");
        }
    }

    @Override
    public String toString() {
        return "FedAuthFeature[library=" + library + ", echo=" + echo + ", workflow=" + workflow
            + (token == null ? "" : ", token=<" + token.length() + " chars>") + "]";
    }
}
