package dev.milab.sql.tds;

import java.io.ByteArrayOutputStream;

/**
 * A whole TDS message: its packet type and the payload of all its packets joined (MS-TDS 2.2.3 "Packets").
 *
 * @param resetConnection the client set RESETCONNECTION on the first packet (a pooled connection reused)
 */
public record TdsMessage(int type, byte[] payload, boolean resetConnection) {

    public TdsMessage(int type, byte[] payload) {
        this(type, payload, false);
    }

    /**
     * Splits this message into packets of at most {@code packetSize} bytes (header included), the last one
     * marked end-of-message, as the server sends them.
     */
    public byte[] toPackets(int packetSize, int spid) {
        int chunk = packetSize - PacketHeader.SIZE;
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + PacketHeader.SIZE
            * (payload.length / chunk + 1));
        int offset = 0;
        int packetId = 1;
        do {
            int n = Math.min(chunk, payload.length - offset);
            boolean last = offset + n == payload.length;
            PacketHeader header = new PacketHeader(type, last ? PacketHeader.STATUS_EOM : 0, n + PacketHeader.SIZE,
                spid, packetId & 0xFF, 0);
            out.writeBytes(header.encode());
            out.write(payload, offset, n);
            offset += n;
            packetId++;
        } while (offset < payload.length);
        return out.toByteArray();
    }
}
