package dev.milab.arm;

/**
 * Something Resource Manager refuses, with the status and error code Azure answers it with; the REST layer writes it
 * as {@code {"error":{"code":...,"message":...}}}. Thrown before anything changes, so the graph is never half
 * changed.
 */
public class ArmException extends RuntimeException {

    private final int status;
    private final String code;

    public ArmException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
