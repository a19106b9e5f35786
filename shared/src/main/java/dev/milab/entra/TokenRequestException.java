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

    /** AADSTS700016: the client id names no application the tenant knows. */
    public static TokenRequestException applicationNotFound(String clientId, Tenant tenant) {
        return new TokenRequestException(400, "unauthorized_client", 700016, "Application with identifier '"
            + clientId + "' was not found in the directory '" + tenant.domain() + "'. This can happen if the "
            + "application has not been installed by the administrator of the tenant or consented to by any user in "
            + "the tenant. You may have sent your authentication request to the wrong tenant.");
    }

    /** AADSTS7000218: a confidential client sent no credential. */
    public static TokenRequestException noClientCredential() {
        return new TokenRequestException(401, "invalid_client", 7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }

    /** AADSTS500011: the resource asked for is not in the tenant. */
    public static TokenRequestException resourceNotFound(String resource, Tenant tenant) {
        return new TokenRequestException(400, "invalid_resource", 500011, "The resource principal named " + resource
            + " was not found in the tenant named " + tenant.domain() + ". This can happen if the application has not "
            + "been installed by the administrator of the tenant or consented to by any user in the tenant. You might "
            + "have sent your authentication request to the wrong tenant.");
    }
}
