package dev.milab.entra;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.milab.http.Json;

/**
 * The grants that sign a user in at a public client (the Azure CLI) on Entra ID's v2.0 endpoints, and keep it
 * signed in (Microsoft Learn, "Microsoft identity platform and the OAuth 2.0 device authorization grant flow" and
 * "... authorization code flow", "Refresh the access token"):
 * <ol>
 *   <li>{@code POST /{tenant}/oauth2/v2.0/devicecode} ({@code client_id}, {@code scope}): a device code to poll with
 *       and a user code for the person ({@link DeviceCodes});</li>
 *   <li>{@code POST /{tenant}/oauth2/v2.0/token} with {@code grant_type=urn:ietf:params:oauth:grant-type:device_code}:
 *       {@code authorization_pending} until the person approves, then an access token for the resource asked for,
 *       an ID token, {@code client_info} and a refresh token;</li>
 *   <li>{@code grant_type=refresh_token} with the {@code scope} of any resource: a token for it, and a new refresh
 *       token (the client keeps one sign-in for Resource Manager, Microsoft Graph, Key Vault and Azure SQL).</li>
 * </ol>
 * The clients are Microsoft's first-party public clients ({@link FirstPartyClients}); they present no credential.
 */
public final class UserGrants {

    public static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    public static final String REFRESH_TOKEN_GRANT = "refresh_token";
    /** The OpenID Connect scopes MSAL adds to every request; they name no resource. */
    private static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", "offline_access", "email");
    private static final String GRAPH = "https://graph.microsoft.com";
    private static final DateTimeFormatter ISSUED_ON = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
        .withZone(ZoneOffset.UTC);

    private final Tenant tenant;
    private final Directory directory;
    private final TokenService tokens;
    private final ResourceApplications resources;
    private final Clock clock;
    private final DeviceCodes deviceCodes;
    private final RefreshTokens refreshTokens;

    public UserGrants(Tenant tenant, Directory directory, TokenService tokens, ResourceApplications resources,
                      Clock clock) {
        this.tenant = tenant;
        this.directory = directory;
        this.tokens = tokens;
        this.resources = resources;
        this.clock = clock;
        this.deviceCodes = new DeviceCodes(clock);
        this.refreshTokens = new RefreshTokens(clock);
    }

    public static boolean isUserGrant(String grantType) {
        return DEVICE_CODE_GRANT.equals(grantType) || REFRESH_TOKEN_GRANT.equals(grantType);
    }

    /** The codes waiting for a person, and where they are approved. */
    public DeviceCodes deviceCodes() {
        return deviceCodes;
    }

    public RefreshTokens refreshTokens() {
        return refreshTokens;
    }

    /** The device authorization endpoint's answer to {@code form}. */
    public Map<String, Object> deviceAuthorization(Map<String, String> form) throws TokenRequestException {
        FirstPartyClients.Client client = publicClient(form);
        String scope = form.get("scope");
        Requested requested = requested(scope);
        DeviceCodes.Authorization a = deviceCodes.start(client.appId(), client.displayName(), scope.trim(),
            requested.resource());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_code", a.userCode());
        body.put("device_code", a.deviceCode());
        body.put("verification_uri", a.verificationUri());
        body.put("expires_in", a.expiresIn());
        body.put("interval", a.interval());
        body.put("message", a.message());
        return body;
    }

    /** The token endpoint's answer to a device code or refresh token grant. */
    public Map<String, Object> redeem(Map<String, String> form) throws TokenRequestException {
        FirstPartyClients.Client client = publicClient(form);
        if (DEVICE_CODE_GRANT.equals(form.get("grant_type"))) {
            return redeemDeviceCode(client, form);
        }
        return redeemRefreshToken(client, form);
    }

    private Map<String, Object> redeemDeviceCode(FirstPartyClients.Client client, Map<String, String> form)
        throws TokenRequestException {
        // MSAL sends the code as both device_code and code: Entra ID once read only the latter.
        String code = form.getOrDefault("device_code", form.get("code"));
        if (code == null) {
            throw TokenRequestException.missingParameter("device_code");
        }
        DeviceCodes.Poll poll = deviceCodes.poll(code, client.appId());
        // Entra ID documents the error names (Microsoft Learn, "Expected errors") and AADSTS70016 and 70020; the
        // texts of slow_down, authorization_declined and bad_verification_code are the lab's.
        if (poll instanceof DeviceCodes.Poll.Approved approved) {
            User user = existing(approved.user().objectId());
            return tokenResponse(user, client, approved.scope(), requested(approved.scope()), form, false);
        }
        if (poll instanceof DeviceCodes.Poll.Pending) {
            throw new TokenRequestException(400, "authorization_pending", 70016,
                "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
        }
        if (poll instanceof DeviceCodes.Poll.SlowDown slow) {
            throw new TokenRequestException(400, "slow_down", 70016, "OAuth 2.0 device flow error. Polling too "
                + "fast: wait " + slow.interval() + " seconds between requests.");
        }
        if (poll instanceof DeviceCodes.Poll.Expired) {
            throw new TokenRequestException(400, "expired_token", 70020, "The provided value for the input "
                + "parameter 'device_code' is not valid. This device code has expired.");
        }
        if (poll instanceof DeviceCodes.Poll.Declined) {
            throw new TokenRequestException(400, "authorization_declined", 70000,
                "The user declined to sign in. Start again with a new device code.");
        }
        if (poll instanceof DeviceCodes.Poll.OtherClient) {
            throw invalidGrant();
        }
        throw new TokenRequestException(400, "bad_verification_code", 70000, "The provided value for the input "
            + "parameter 'device_code' is not valid. It was not issued, or it was redeemed already.");
    }

    private Map<String, Object> redeemRefreshToken(FirstPartyClients.Client client, Map<String, String> form)
        throws TokenRequestException {
        String token = form.get("refresh_token");
        if (token == null) {
            throw TokenRequestException.missingParameter("refresh_token");
        }
        String scope = form.get("scope");
        Requested requested = requested(scope);
        RefreshTokens.Grant grant = refreshTokens.find(token).orElseThrow(() -> new TokenRequestException(400,
            "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid."));
        if (!grant.clientId().equalsIgnoreCase(client.appId())) {
            throw invalidGrant();
        }
        if (!clock.instant().isBefore(grant.expiresOn())) {
            throw new TokenRequestException(400, "invalid_grant", 700082, "The refresh token has expired due to "
                + "inactivity. The token was issued on " + ISSUED_ON.format(grant.issuedOn()) + " and was inactive for "
                + RefreshTokens.LIFETIME.toDays() + ".00:00:00.");
        }
        return tokenResponse(existing(grant.userObjectId()), client, scope, requested, form, true);
    }

    /** Entra ID's successful token response for a user (Microsoft Learn: the device flow's and the refresh's). */
    private Map<String, Object> tokenResponse(User user, FirstPartyClients.Client client, String scope,
                                              Requested requested, Map<String, String> form,
                                              boolean alwaysRefreshToken) {
        String scp = FirstPartyClients.delegatedScopes(requested.resource());
        IssuedUserToken access = tokens.issueUserToken(user, client.appId(), requested.resource(), scp,
            tokens.userTokenLifetime());
        long expiresIn = Duration.between(clock.instant(), access.expiresOn()).getSeconds();
        List<String> asked = scopes(scope);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_type", "Bearer");
        body.put("scope", grantedScope(requested, scp));
        body.put("expires_in", expiresIn);
        body.put("ext_expires_in", expiresIn);
        body.put("access_token", access.accessToken());
        if (alwaysRefreshToken || asked.contains("offline_access")) {
            body.put("refresh_token", refreshTokens.issue(user, client.appId()));
        }
        if (asked.contains("openid")) {
            body.put("id_token", tokens.issueIdToken(user, client.appId()));
        }
        if ("1".equals(form.get("client_info"))) {
            // MSAL's account key: the user's object id and home tenant (base64url JSON).
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("uid", user.objectId());
            info.put("utid", tenant.id());
            body.put("client_info", Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Json.write(info).getBytes(StandardCharsets.UTF_8)));
        }
        return body;
    }

    /**
     * The scopes the token is good for, as Entra ID lists them: each delegated permission under the resource as it
     * was asked for ({@code https://management.core.windows.net//user_impersonation}), and the {@code .default}
     * scope itself, which MSAL looks its cached tokens up by.
     */
    private static String grantedScope(Requested requested, String scp) {
        List<String> granted = new ArrayList<>();
        for (String permission : scp.split(" ")) {
            granted.add(OIDC_SCOPES.contains(permission) ? permission : requested.prefix() + permission);
        }
        requested.asked().stream().filter(s -> s.endsWith("/.default") && !granted.contains(s)).forEach(granted::add);
        return String.join(" ", granted);
    }

    /**
     * What a {@code scope} parameter asks for: one resource ({@code https://vault.azure.net/.default}, a permission
     * under it such as {@code https://graph.microsoft.com/User.Read}, or a bare Graph permission such as
     * {@code User.Read}; only OpenID scopes mean Microsoft Graph), known to the tenant.
     */
    private Requested requested(String scope) throws TokenRequestException {
        if (scope == null) {
            throw TokenRequestException.missingParameter("scope");
        }
        List<String> asked = scopes(scope).stream().filter(s -> !OIDC_SCOPES.contains(s)).toList();
        String resource = null;
        String prefix = null;
        for (String s : asked) {
            String r = s.endsWith("/.default") ? s.substring(0, s.length() - "/.default".length())
                : s.contains("/") ? s.substring(0, s.lastIndexOf('/')) : GRAPH;
            if (resource != null && !canonical(resource).equals(canonical(r))) {
                throw new TokenRequestException(400, "invalid_scope", 28000, "Provided value for the input parameter "
                    + "scope is not valid because it contains more than one resource. Scope " + scope.trim()
                    + " is not valid.");
            }
            if (resource == null) {
                resource = r;
                prefix = s.contains("/") ? s.substring(0, s.lastIndexOf('/') + 1) : GRAPH + "/";
            }
        }
        if (resource == null) {
            resource = GRAPH;
            prefix = GRAPH + "/";
        }
        String known = resources.resolve(resource).orElseThrow(
            () -> TokenRequestException.resourceNotFound(asked.get(0).replaceFirst("/\\.default$", ""), tenant));
        return new Requested(known, prefix, asked);
    }

    private record Requested(String resource, String prefix, List<String> asked) {
    }

    private static List<String> scopes(String scope) {
        return scope == null || scope.isBlank() ? List.of() : Arrays.asList(scope.trim().split("\\s+"));
    }

    private static String canonical(String resource) {
        String c = resource.toLowerCase(Locale.ROOT);
        while (c.endsWith("/")) {
            c = c.substring(0, c.length() - 1);
        }
        return c;
    }

    /** The client: one of Microsoft's public clients, which present no secret. */
    private FirstPartyClients.Client publicClient(Map<String, String> form) throws TokenRequestException {
        String clientId = form.get("client_id");
        if (clientId == null) {
            throw TokenRequestException.missingParameter("client_id");
        }
        Optional<FirstPartyClients.Client> client = FirstPartyClients.byAppId(clientId);
        if (client.isEmpty()) {
            if (directory.application(clientId).isPresent()) {
                // The lab's registered applications are confidential clients ("Allow public client flows": No).
                throw TokenRequestException.noClientCredential();
            }
            throw TokenRequestException.applicationNotFound(clientId, tenant);
        }
        if (form.containsKey("client_secret") || form.containsKey("client_assertion")) {
            throw new TokenRequestException(401, "invalid_client", 700025, "Client is public so neither "
                + "'client_assertion' nor 'client_secret' should be presented.");
        }
        return client.get();
    }

    private User existing(String objectId) throws TokenRequestException {
        return directory.user(objectId).orElseThrow(() -> new TokenRequestException(400, "invalid_grant", 50034,
            "The user account " + objectId + " does not exist in the " + tenant.id() + " directory. To sign into "
                + "this application, the account must be added to the directory."));
    }

    private static TokenRequestException invalidGrant() {
        return new TokenRequestException(400, "invalid_grant", 70000, "Provided grant is invalid or malformed.");
    }
}
