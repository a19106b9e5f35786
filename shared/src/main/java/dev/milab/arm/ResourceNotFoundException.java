package dev.milab.arm;

/** A resource that does not exist; ARM answers 404 with this message. */
public final class ResourceNotFoundException extends RuntimeException {
    public ResourceNotFoundException(String message) {
        super(message);
    }
}
