package dev.milab.sql.tds;

/**
 * Bytes from a client that do not form the message the protocol expects at this point: truncated, oversized,
 * inconsistent lengths or offsets, or a message of the wrong type. The connection that sent them ends; nothing
 * else does.
 */
public final class TdsProtocolException extends Exception {

    public TdsProtocolException(String message) {
        super(message);
    }
}
