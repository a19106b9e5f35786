package dev.milab.routing;

/** A request the lab's routing refused to send, because it would have left loopback. */
public final class LabRoutingException extends RuntimeException {
    public LabRoutingException(String message) {
        super(message);
    }
}
