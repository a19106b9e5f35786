package dev.milab.arm;

/** A resource that does not exist; ARM answers 404 with this code and message. */
public final class ResourceNotFoundException extends ArmException {
    public ResourceNotFoundException(String message) {
        this("ResourceNotFound", message);
    }

    public ResourceNotFoundException(String code, String message) {
        super(404, code, message);
    }
}
