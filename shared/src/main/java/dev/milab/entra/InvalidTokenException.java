package dev.milab.entra;

/** A bearer token that a resource must refuse, and why; each resource words the refusal its own way. */
public final class InvalidTokenException extends Exception {

    /** Why a token was refused. */
    public enum Reason {
        MALFORMED("token"),
        UNSUPPORTED_ALGORITHM("alg"),
        UNKNOWN_SIGNING_KEY("kid"),
        BAD_SIGNATURE("signature"),
        WRONG_ISSUER("iss"),
        WRONG_AUDIENCE("aud"),
        NOT_YET_VALID("nbf"),
        EXPIRED("exp");

        private final String claim;

        Reason(String claim) {
            this.claim = claim;
        }

        /** The header member or claim that decided ({@code aud}, {@code exp}, {@code kid}), or what failed. */
        public String claim() {
            return claim;
        }
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
