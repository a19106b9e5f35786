package dev.milab.entra;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code private_key_jwt} client authentication with a {@code client_assertion} (Microsoft Learn, "Microsoft
 * identity platform application authentication certificate credentials" and "Workload identity federation"):
 * <ul>
 *   <li>a <b>certificate assertion</b>, signed by the application itself with the private key of a registered
 *       certificate, named in the header by {@code x5t#S256} or {@code x5t}; {@code iss} and {@code sub} are the
 *       client id, {@code aud} the token endpoint; each {@code jti} is good once ({@code appidacr} 2);</li>
 *   <li>a <b>federated assertion</b>, issued by an external OpenID Connect issuer, accepted when a federated
 *       identity credential of the application or user-assigned identity matches its issuer, subject and audience
 *       exactly and its signature verifies against the issuer's keys.</li>
 * </ul>
 */
public final class ClientAssertionAuthentication implements ClientAuthentication {

    public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final Tenant tenant;
    private final Clock clock;
    private final Function<String, Optional<ExternalIdentityProvider>> issuers;
    /** Assertion ids already used, with their expiry, per client. */
    private final Map<String, Instant> usedAssertionIds = new ConcurrentHashMap<>();

    /** @param issuers the external issuers whose keys the lab can fetch, by issuer URL */
    public ClientAssertionAuthentication(Tenant tenant, Clock clock,
                                         Function<String, Optional<ExternalIdentityProvider>> issuers) {
        this.tenant = tenant;
        this.clock = clock;
        this.issuers = issuers;
    }

    @Override
    public boolean appliesTo(Map<String, String> form) {
        return form.containsKey("client_assertion");
    }

    @Override
    public AuthenticatedClient authenticate(Application application, Map<String, String> form)
        throws TokenRequestException {
        JsonWebToken assertion = parse(form);
        // An application signs its own assertion (iss = client id); anything else is an external issuer's token.
        if (application.appId().equalsIgnoreCase(assertion.claimString("iss"))) {
            return certificate(application, assertion);
        }
        return federated(application.servicePrincipal(), application.federatedCredentials(), assertion);
    }

    /** A federated assertion presented for a user-assigned managed identity (its client id in {@code client_id}). */
    public AuthenticatedClient authenticateManagedIdentity(ServicePrincipal identity,
                                                           List<FederatedCredential> credentials,
                                                           Map<String, String> form) throws TokenRequestException {
        return federated(identity, credentials, parse(form));
    }

    private static JsonWebToken parse(Map<String, String> form) throws TokenRequestException {
        if (!JWT_BEARER.equals(form.get("client_assertion_type"))) {
            throw new TokenRequestException(400, "invalid_request", 900144, "The request body must contain the "
                + "following parameter: 'client_assertion_type' with the value '" + JWT_BEARER + "'.");
        }
        try {
            return JsonWebToken.parse(form.get("client_assertion"));
        } catch (IllegalArgumentException e) {
            throw new TokenRequestException(400, "invalid_request", 50027, "JWT token is invalid or malformed.");
        }
    }

    private AuthenticatedClient certificate(Application application, JsonWebToken assertion)
        throws TokenRequestException {
        String x5t = assertion.headerString("x5t");
        String x5tS256 = assertion.headerString("x5t#S256");
        String shown = x5tS256 != null ? x5tS256 : x5t;
        ClientCertificate credential = application.certificates().stream().filter(c -> c.isNamedBy(x5t, x5tS256))
            .findFirst().orElseThrow(() -> new TokenRequestException(401, "invalid_client", 700027,
                "Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key "
                    + "used by client: '" + shown + "', Please visit the Azure Portal, Graph Explorer or directly use "
                    + "MS Graph to see configured keys for app Id '" + application.appId() + "'.]"));
        if (!"RS256".equals(assertion.headerString("alg")) || !assertion.verifies(credential.certificate().getPublicKey())) {
            throw new TokenRequestException(401, "invalid_client", 700027, "Client assertion contains an invalid "
                + "signature. [Reason - The provided signature value did not match the expected signature value., "
                + "Thumbprint of key used by client: '" + credential.thumbprint() + "']");
        }
        String clientId = application.appId();
        if (!clientId.equalsIgnoreCase(assertion.claimString("iss"))
            || !clientId.equalsIgnoreCase(assertion.claimString("sub"))) {
            throw new TokenRequestException(401, "invalid_client", 700021, "Client assertion application "
                + "identifier doesn't match 'client_id' parameter.");
        }
        String audience = assertion.claimString("aud");
        if (!tokenEndpointAudiences().contains(audience)) {
            throw new TokenRequestException(401, "invalid_client", 700024, "Client assertion audience claim does "
                + "not match Realm issuer. Review the documentation at "
                + "https://learn.microsoft.com/entra/identity-platform/certificate-credentials .");
        }
        checkTimes(assertion);
        String jti = assertion.claimString("jti");
        Instant now = clock.instant();
        usedAssertionIds.values().removeIf(expiry -> expiry.isBefore(now));
        if (jti == null || usedAssertionIds.putIfAbsent(clientId + "|" + jti,
            Instant.ofEpochSecond(assertion.claimEpochSeconds("exp"))) != null) {
            // Entra ID refuses a replayed assertion; its exact code is not documented, so this reuses the
            // assertion-validation family (AADSTS50013) with the lab's wording.
            throw new TokenRequestException(401, "invalid_client", 50013, "Assertion failed signature validation. "
                + "[Reason - The assertion's jti was already used; every client assertion must be new.]");
        }
        return new AuthenticatedClient(application.servicePrincipal(), "2");
    }

    private AuthenticatedClient federated(ServicePrincipal client, List<FederatedCredential> credentials,
                                          JsonWebToken assertion) throws TokenRequestException {
        String issuer = assertion.claimString("iss");
        String subject = assertion.claimString("sub");
        String audience = assertion.claimString("aud");
        if (credentials.stream().noneMatch(f -> f.matches(issuer, subject, audience))) {
            throw new TokenRequestException(400, "invalid_request", 70021, "No matching federated identity record "
                + "found for presented assertion. Assertion Issuer: '" + issuer + "'. Assertion Subject: '" + subject
                + "'. Assertion Audience: '" + audience + "'. https://docs.microsoft.com/azure/active-directory/"
                + "develop/workload-identity-federation");
        }
        ExternalIdentityProvider provider = issuers.apply(issuer).orElseThrow(() ->
            new TokenRequestException(400, "invalid_request", 50166, "Request to External OIDC endpoint failed. "
                + "The lab can fetch keys only from the identity providers it hosts; '" + issuer + "' is not one."));
        if (!provider.signed(assertion)) {
            throw new TokenRequestException(400, "invalid_request", 700027, "Client assertion contains an invalid "
                + "signature. [Reason - The key was not found in the issuer's JWKS or the signature did not match.]");
        }
        checkTimes(assertion);
        return new AuthenticatedClient(client, "2");
    }

    private void checkTimes(JsonWebToken assertion) throws TokenRequestException {
        Long exp = assertion.claimEpochSeconds("exp");
        Long nbf = assertion.claimEpochSeconds("nbf");
        Instant now = clock.instant();
        if (exp == null || !now.isBefore(Instant.ofEpochSecond(exp))
            || (nbf != null && now.plusSeconds(300).isBefore(Instant.ofEpochSecond(nbf)))) {
            throw new TokenRequestException(401, "invalid_client", 700024, "Client assertion is not within its valid "
                + "time range. Current time: " + now + ", assertion valid from "
                + Instant.ofEpochSecond(nbf == null ? 0 : nbf) + ", expiry time of assertion "
                + (exp == null ? "(none)" : Instant.ofEpochSecond(exp)) + ". Review the documentation at "
                + "https://learn.microsoft.com/entra/identity-platform/certificate-credentials .");
        }
    }

    /** The token endpoint addresses a client may name as the assertion's audience (v2.0 and v1.0, id or domain). */
    private Set<String> tokenEndpointAudiences() {
        String base = EntraEndpoint.AUTHORITY + "/";
        return Set.of(base + tenant.id() + "/oauth2/v2.0/token", base + tenant.id() + "/oauth2/token",
            base + tenant.domain() + "/oauth2/v2.0/token", base + tenant.domain() + "/oauth2/token",
            tenant.v2Issuer());
    }
}
