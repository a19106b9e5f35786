package dev.milab.sql.tds;

/**
 * The 8-byte header of every TDS packet (MS-TDS 2.2.3.1 "Packet Header"): type, status, length (big-endian,
 * header included), SPID (big-endian), packet id and window.
 */
public record PacketHeader(int type, int status, int length, int spid, int packetId, int window) {

    public static final int SIZE = 8;
    /** Status bit: end of message (MS-TDS 2.2.3.1.2). */
    public static final int STATUS_EOM = 0x01;
    /** Status bit: the client asks to ignore this event (a cancelled message). */
    public static final int STATUS_IGNORE = 0x02;
    /** Status bit: reset the connection before processing (pooled connection reuse). */
    public static final int STATUS_RESET_CONNECTION = 0x08;
    /** The largest packet size TDS allows (MS-TDS 2.2.6.4, LOGIN7 PacketSize). */
    public static final int MAX_PACKET_SIZE = 32767;

    public boolean endOfMessage() {
        return (status & STATUS_EOM) != 0;
    }

    public int payloadLength() {
        return length - SIZE;
    }

    /** Decodes and checks a header: the length covers at least the header and at most {@code maxPacketSize}. */
    public static PacketHeader decode(byte[] bytes, int maxPacketSize) throws TdsProtocolException {
        if (bytes.length < SIZE) {
            throw new TdsProtocolException("A packet header has 8 bytes, got " + bytes.length);
        }
        TdsReader r = new TdsReader(bytes, 0, SIZE);
        PacketHeader header = new PacketHeader(r.uint8(), r.uint8(), r.uint16BigEndian(), r.uint16BigEndian(),
            r.uint8(), r.uint8());
        if (header.length < SIZE || header.length > maxPacketSize) {
            throw new TdsProtocolException("Packet length " + header.length + " is outside 8.." + maxPacketSize);
        }
        return header;
    }

    public byte[] encode() {
        return new TdsWriter().uint8(type).uint8(status).uint16BigEndian(length).uint16BigEndian(spid)
            .uint8(packetId).uint8(window).toByteArray();
    }
}
