package dev.milab.sql.tds;

import java.io.ByteArrayOutputStream;
import java.util.Optional;

/**
 * Joins packets into messages without touching a socket: the transport hands it each packet's header and
 * payload; it returns the message when the end-of-message packet arrives. It refuses a packet whose type differs
 * from the first packet of its message, and a message larger than its limit (MS-TDS 2.2.3.1).
 */
public final class MessageAssembler {

    private final int maxMessageBytes;
    private ByteArrayOutputStream current;
    private int currentType = -1;
    private boolean currentReset;

    public MessageAssembler(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    public Optional<TdsMessage> add(PacketHeader header, byte[] payload) throws TdsProtocolException {
        if (current == null) {
            current = new ByteArrayOutputStream(Math.min(payload.length * 2, maxMessageBytes));
            currentType = header.type();
            currentReset = (header.status() & PacketHeader.STATUS_RESET_CONNECTION) != 0;
        } else if (header.type() != currentType) {
            throw new TdsProtocolException("A " + PacketType.name(header.type()) + " packet arrived inside a "
                + PacketType.name(currentType) + " message");
        }
        if ((long) current.size() + payload.length > maxMessageBytes) {
            throw new TdsProtocolException("A " + PacketType.name(currentType) + " message larger than "
                + maxMessageBytes + " bytes");
        }
        current.writeBytes(payload);
        if (!header.endOfMessage()) {
            return Optional.empty();
        }
        TdsMessage message = new TdsMessage(currentType, current.toByteArray(), currentReset);
        current = null;
        currentType = -1;
        return Optional.of(message);
    }

    /** Whether a message has begun and not yet ended. */
    public boolean inMessage() {
        return current != null;
    }
}
