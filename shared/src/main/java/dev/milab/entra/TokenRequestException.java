package dev.milab.entra;

/**
 * A token request Entra ID refuses, with what its token endpoint answers: the HTTP status, the OAuth 2.0
 * {@code error} and the AADSTS number with its text (Microsoft Learn, "Microsoft Entra authentication and
 * authorization error codes").
 */
public final class TokenRequestException extends Exception {

    private final int status;
    private final String error;
    private final int aadsts;

    public TokenRequestException(int status, String error, int aadsts, String text) {
        super("AADSTS" + aadsts + ": " + text);
        this.status = status;
        this.error = error;
        this.aadsts = aadsts;
    }

    public int status() {
        return status;
    }

    /** The OAuth 2.0 error: {@code invalid_client}, {@code invalid_request}, {@code invalid_resource}, ... */
    public String error() {
        return error;
    }

    public int aadsts() {
        return aadsts;
    }

    /** AADSTS900144: a required parameter is missing. */
    public static TokenRequestException missingParameter(String name) {
        return new TokenRequestException(400, "invalid_request", 900144,
            "The request body must contain the following parameter: '" + name + "'.");
    }
}
