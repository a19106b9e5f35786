package dev.milab.sql.tds;

import java.nio.charset.StandardCharsets;

/**
 * FEDAUTHINFO (MS-TDS 2.2.7.12, token 0xEE): where the client gets its token. TokenLength, CountOfInfoIDs, then
 * (id, data length, data offset) triples and the UTF-16LE data; offsets count from CountOfInfoIDs. Ids: 0x01
 * STSURL, 0x02 SPN. Azure SQL sends its SPN {@code https://database.windows.net/}: the resource the client asks
 * Entra ID (or IMDS) for.
 */
public record FedAuthInfoToken(String stsUrl, String spn) implements ServerToken {

    public static final int TYPE = 0xEE;
    public static final int INFO_STSURL = 0x01;
    public static final int INFO_SPN = 0x02;

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void encode(TdsWriter w) {
        byte[] sts = stsUrl.getBytes(StandardCharsets.UTF_16LE);
        byte[] spnBytes = spn.getBytes(StandardCharsets.UTF_16LE);
        int tableEnd = 4 + 2 * 9;
        w.uint8(TYPE).int32(tableEnd + sts.length + spnBytes.length).int32(2);
        w.uint8(INFO_STSURL).int32(sts.length).int32(tableEnd);
        w.uint8(INFO_SPN).int32(spnBytes.length).int32(tableEnd + sts.length);
        w.bytes(sts).bytes(spnBytes);
    }
}
