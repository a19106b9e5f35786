package dev.milab.sql.tds;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Streams a server message as packets (MS-TDS 2.2.3 "Packets") while it is being encoded: tokens go into a
 * buffer, every full packet goes out at once, and {@link #endMessage()} sends the rest as the packet marked
 * end-of-message. A large result set so never sits whole in memory, and the client decodes rows while the
 * server still reads them. The only I/O is the given stream; an I/O failure surfaces as
 * {@link UncheckedIOException} and ends the connection.
 */
public final class TdsResponseWriter {

    private final OutputStream out;
    private final int spid;
    private final TdsWriter buffer = new TdsWriter();
    private final byte[] header = new byte[PacketHeader.SIZE];
    private int packetSize;
    private int packetId = 1;

    public TdsResponseWriter(OutputStream out, int packetSize, int spid) {
        this.out = out;
        this.packetSize = packetSize;
        this.spid = spid;
    }

    /** The packet size for the next message (LOGIN7's negotiated size applies after the login reply). */
    public void packetSize(int size) {
        this.packetSize = size;
    }

    public void token(ServerToken token) {
        token.encode(buffer);
        spill();
    }

    /** Where callers encode rows directly; call {@link #spill()} after each. */
    public TdsWriter buffer() {
        return buffer;
    }

    /** Sends every full packet that the buffer holds, keeping at least one byte for the last packet. */
    public void spill() {
        int chunk = packetSize - PacketHeader.SIZE;
        while (buffer.size() > chunk) {
            packet(chunk, false);
        }
    }

    /** Sends the rest of the message as its last packet and flushes. */
    public void endMessage() {
        packet(buffer.size(), true);
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        packetId = 1;
    }

    private void packet(int length, boolean last) {
        int total = length + PacketHeader.SIZE;
        header[0] = (byte) PacketType.TABULAR_RESULT;
        header[1] = (byte) (last ? PacketHeader.STATUS_EOM : 0);
        header[2] = (byte) (total >>> 8);
        header[3] = (byte) total;
        header[4] = (byte) (spid >>> 8);
        header[5] = (byte) spid;
        header[6] = (byte) packetId;
        header[7] = 0;
        try {
            out.write(header);
            buffer.writeTo(out, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.dropFront(length);
        packetId = (packetId + 1) & 0xFF;
    }
}
