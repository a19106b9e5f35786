package dev.milab.arm;

/** A change that conflicts with the graph's state; ARM answers 409. */
public final class ResourceConflictException extends ArmException {
    public ResourceConflictException(String message) {
        this("Conflict", message);
    }

    public ResourceConflictException(String code, String message) {
        super(409, code, message);
    }
}
