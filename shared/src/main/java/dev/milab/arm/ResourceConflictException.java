package dev.milab.arm;

/** A change that conflicts with the graph's state; ARM answers 409. */
public final class ResourceConflictException extends RuntimeException {
    public ResourceConflictException(String message) {
        super(message);
    }
}
