package dev.milab.entra;

/** A bearer token that a resource must refuse, and why; each resource words the refusal its own way. */
public final class InvalidTokenException extends Exception {

    /** Why a token was refused. */
    public enum Reason {
        MALFORMED,
        UNSUPPORTED_ALGORITHM,
        UNKNOWN_SIGNING_KEY,
        BAD_SIGNATURE,
        WRONG_ISSUER,
        WRONG_AUDIENCE,
        NOT_YET_VALID,
        EXPIRED
    }

    private final Reason reason;

    public InvalidTokenException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
