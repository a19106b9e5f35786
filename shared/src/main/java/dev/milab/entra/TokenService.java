package dev.milab.entra;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Entra ID's token service for the lab: issues RS256 access tokens in Azure's shape, signed with the current key
 * of {@link SigningKeys}.
 */
public final class TokenService {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Tenant tenant;
    private final SigningKeys keys;
    private final Clock clock;
    private final Supplier<Duration> managedIdentityLifetime;
    private final Supplier<Duration> applicationLifetime;
    private volatile java.util.function.BiFunction<ServicePrincipal, String, java.util.List<String>> appRoles =
        (principal, resource) -> java.util.List.of();

    public TokenService(Tenant tenant, SigningKeys keys, Clock clock, Supplier<Duration> managedIdentityLifetime) {
        this(tenant, keys, clock, managedIdentityLifetime, () -> Duration.ofHours(1));
    }

    /**
     * @param applicationLifetime lifetime of client-credentials tokens (Entra ID issues them for 60 to 90 minutes)
     */
    public TokenService(Tenant tenant, SigningKeys keys, Clock clock, Supplier<Duration> managedIdentityLifetime,
                        Supplier<Duration> applicationLifetime) {
        this.tenant = tenant;
        this.keys = keys;
        this.clock = clock;
        this.managedIdentityLifetime = managedIdentityLifetime;
        this.applicationLifetime = applicationLifetime;
    }

    public Tenant tenant() {
        return tenant;
    }

    /**
     * Where the {@code roles} claim comes from: the application permissions (app roles) a principal was granted on
     * the resource a token is for, as Entra ID puts them into app-only tokens (Microsoft Graph reads them there).
     */
    public void appRoles(java.util.function.BiFunction<ServicePrincipal, String, java.util.List<String>> source) {
        this.appRoles = java.util.Objects.requireNonNull(source);
    }

    /** How long a user's access token lives: as an application's (Entra ID: 60 to 90 minutes). */
    public Duration userTokenLifetime() {
        return applicationLifetime.get();
    }

    public SigningKeys keys() {
        return keys;
    }

    /**
     * Issues a managed identity access token: a v1.0 token, as IMDS returns on Azure.
     *
     * @param identity the managed identity's service principal
     * @param resource the resource requested, which becomes {@code aud} exactly as asked
     */
    public IssuedToken issueManagedIdentityToken(ServicePrincipal identity, String resource) {
        if (!identity.kind().isManagedIdentity()) {
            throw new IllegalArgumentException(identity.displayName() + " is not a managed identity");
        }
        return issueV1(identity, resource, managedIdentityLifetime.get(), "2", identity.resourceId());
    }

    /**
     * Issues an application's access token from the client-credentials grant: a v1.0 token for the requested
     * resource (ARM, Key Vault and SQL take v1.0 tokens), as Entra ID issues it to a service principal.
     *
     * @param appidacr how the client authenticated: {@code "1"} client secret, {@code "2"} certificate or assertion
     */
    public IssuedToken issueApplicationToken(ServicePrincipal application, String resource, String appidacr) {
        if (application.kind() != ServicePrincipal.Kind.APPLICATION) {
            throw new IllegalArgumentException(application.displayName() + " is not an application");
        }
        return issueV1(application, resource, applicationLifetime.get(), appidacr, null);
    }

    private IssuedToken issueV1(ServicePrincipal principal, String resource, Duration lifetime, String appidacr,
                                String managedIdentityResourceId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant notBefore = notBefore(now);
        Instant expiresOn = now.plus(lifetime);
        SigningKey key = keys.current();
        Map<String, Object> claims = timedClaims(resource, tenant.v1Issuer(), notBefore, expiresOn);
        claims.put("aio", opaque(48));
        claims.put("appid", principal.appId());
        claims.put("appidacr", appidacr);
        claims.put("idp", tenant.v1Issuer());
        claims.put("idtyp", "app");
        claims.put("oid", principal.objectId());
        java.util.List<String> roles = appRoles.apply(principal, resource);
        if (!roles.isEmpty()) {
            claims.put("roles", roles);
        }
        claims.put("rh", "0." + opaque(60) + ".");
        claims.put("sub", principal.objectId());
        claims.put("tid", tenant.id());
        claims.put("uti", opaque(16));
        claims.put("ver", "1.0");
        if (managedIdentityResourceId != null) {
            claims.put("xms_mirid", managedIdentityResourceId);
        }
        String jwt = JsonWebToken.sign(claims, key.kid(), key.keyPair().getPrivate());
        return new IssuedToken(jwt, resource, notBefore, notBefore, expiresOn, key.kid(), principal);
    }

    /**
     * Issues a user's access token at a public client (delegated): a v1.0 token for {@code resource}, as Entra ID
     * issues them for Resource Manager, Key Vault, Azure SQL and Microsoft Graph (Microsoft Learn, "Access token
     * claims reference"). {@code appid} is the client, {@code appidacr} 0 (a public client proves nothing),
     * {@code idtyp} user, {@code scp} the delegated permissions. No {@code amr}: the lab's user approved a code and
     * authenticated with no method.
     *
     * @param lifetime Entra ID's access tokens live 60 to 90 minutes
     */
    public IssuedUserToken issueUserToken(User user, String clientId, String resource, String scopes,
                                          Duration lifetime) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant notBefore = notBefore(now);
        Instant expiresOn = now.plus(lifetime);
        SigningKey key = keys.current();
        Map<String, Object> claims = timedClaims(resource, tenant.v1Issuer(), notBefore, expiresOn);
        claims.put("acr", "1");
        claims.put("aio", opaque(48));
        claims.put("appid", clientId);
        claims.put("appidacr", "0");
        claims.put("family_name", user.surname());
        claims.put("given_name", user.givenName());
        claims.put("idtyp", "user");
        claims.put("name", user.displayName());
        claims.put("oid", user.objectId());
        claims.put("rh", "0." + opaque(60) + ".");
        claims.put("scp", scopes);
        claims.put("sub", pairwiseSubject(user, clientId));
        claims.put("tid", tenant.id());
        claims.put("unique_name", user.userPrincipalName());
        claims.put("upn", user.userPrincipalName());
        claims.put("uti", opaque(16));
        claims.put("ver", "1.0");
        String jwt = JsonWebToken.sign(claims, key.kid(), key.keyPair().getPrivate());
        return new IssuedUserToken(jwt, resource, notBefore, expiresOn, user, clientId);
    }

    /**
     * Issues an OpenID Connect ID token (v2.0) that tells {@code clientId} who signed in (Microsoft Learn, "ID token
     * claims reference"): audience the client, issuer the v2.0 one, valid for an hour.
     */
    public String issueIdToken(User user, String clientId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        SigningKey key = keys.current();
        Map<String, Object> claims = timedClaims(clientId, tenant.v2Issuer(), notBefore(now),
            now.plus(Duration.ofHours(1)));
        claims.put("name", user.displayName());
        claims.put("oid", user.objectId());
        claims.put("preferred_username", user.userPrincipalName());
        claims.put("rh", "0." + opaque(60) + ".");
        claims.put("sub", pairwiseSubject(user, clientId));
        claims.put("tid", tenant.id());
        claims.put("uti", opaque(16));
        claims.put("ver", "2.0");
        return JsonWebToken.sign(claims, key.kid(), key.keyPair().getPrivate());
    }

    /** Entra ID back-dates nbf and iat by five minutes to absorb clock skew. */
    private static Instant notBefore(Instant now) {
        return now.minus(Duration.ofMinutes(5));
    }

    /** The claims every token starts with: audience, issuer and times. */
    private static Map<String, Object> timedClaims(String audience, String issuer, Instant notBefore,
                                                   Instant expiresOn) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", audience);
        claims.put("iss", issuer);
        claims.put("iat", notBefore.getEpochSecond());
        claims.put("nbf", notBefore.getEpochSecond());
        claims.put("exp", expiresOn.getEpochSecond());
        return claims;
    }

    /** {@code sub} for a user: the same for one user and one client, different for another client (pairwise). */
    private String pairwiseSubject(User user, String clientId) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest((tenant.id() + "|"
                + user.objectId() + "|" + clientId.toLowerCase(java.util.Locale.ROOT))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return B64.encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh token id ({@code uti}) or opaque value; these carry no meaning a client may rely on. */
    private static String opaque(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }

    /** A new random GUID, as Entra ID uses for ids. */
    public static String newGuid() {
        return UUID.randomUUID().toString();
    }
}
