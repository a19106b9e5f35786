package dev.milab.entra;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import dev.milab.http.Json;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/**
 * Entra ID's token endpoint for confidential clients: {@code POST /{tenant}/oauth2/v2.0/token} ({@code scope}) and
 * the v1.0 {@code POST /{tenant}/oauth2/token} ({@code resource}), grant {@code client_credentials} (Microsoft
 * Learn, "Microsoft identity platform and the OAuth 2.0 client credentials flow"). How the client proves itself is a
 * list of {@link ClientAuthentication}s; the lab starts with the client secret. A user's public client signs in
 * through {@link UserGrants} (device code, refresh token), on the v2.0 endpoints.
 */
public final class TokenEndpoint {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
        .withZone(ZoneOffset.UTC);

    private final Tenant tenant;
    private final Directory directory;
    private final TokenService tokens;
    private final ResourceApplications resources;
    private final Clock clock;
    private final List<ClientAuthentication> authentications = new CopyOnWriteArrayList<>();
    private final ClientAssertionAuthentication assertions;
    private final Function<String, Optional<FederatedClient>> managedIdentityClients;
    private final UserGrants userGrants;

    /**
     * A user-assigned managed identity that can be a client at the token endpoint through its federated identity
     * credentials (workload identity federation with a managed identity).
     */
    public record FederatedClient(ServicePrincipal identity, List<FederatedCredential> credentials) {
    }

    /**
     * @param issuers                the external OpenID Connect issuers whose keys the lab can fetch
     * @param managedIdentityClients user-assigned identities with federated credentials, by client id
     */
    public TokenEndpoint(Tenant tenant, Directory directory, TokenService tokens, ResourceApplications resources,
                         Clock clock, Function<String, Optional<ExternalIdentityProvider>> issuers,
                         Function<String, Optional<FederatedClient>> managedIdentityClients) {
        this.tenant = tenant;
        this.directory = directory;
        this.tokens = tokens;
        this.resources = resources;
        this.clock = clock;
        this.assertions = new ClientAssertionAuthentication(tenant, clock, issuers);
        this.managedIdentityClients = managedIdentityClients;
        this.userGrants = new UserGrants(tenant, directory, tokens, resources, clock);
        authentications.add(new ClientSecretAuthentication(clock));
        authentications.add(assertions);
    }

    /** Adds a way for clients to authenticate (certificate or federated assertions). */
    public void addAuthentication(ClientAuthentication authentication) {
        authentications.add(authentication);
    }

    /** The grants that sign users in (device code, refresh token), with their device codes. */
    public UserGrants userGrants() {
        return userGrants;
    }

    /** Answers a device authorization request ({@code POST /{tenant}/oauth2/v2.0/devicecode}). */
    public LabHttpResponse handleDeviceAuthorization(LabHttpRequest request) {
        if (!"POST".equals(request.method())) {
            return error(onlyPost(request));
        }
        try {
            return LabHttpResponse.json(200, Json.write(userGrants.deviceAuthorization(form(request))));
        } catch (TokenRequestException e) {
            return error(e);
        } catch (IllegalArgumentException e) {
            return error(notAForm());
        }
    }

    /** Answers a token request; {@code v2} for the {@code /oauth2/v2.0/token} path. */
    public LabHttpResponse handle(LabHttpRequest request, boolean v2) {
        if (!"POST".equals(request.method())) {
            return error(onlyPost(request));
        }
        try {
            Map<String, String> form = form(request);
            if (v2 && UserGrants.isUserGrant(form.get("grant_type"))) {
                return LabHttpResponse.json(200, Json.write(userGrants.redeem(form)));
            }
            IssuedToken token = issue(form, v2);
            return LabHttpResponse.json(200, Json.write(success(token, v2)));
        } catch (TokenRequestException e) {
            return error(e);
        } catch (IllegalArgumentException e) {
            return error(notAForm());
        }
    }

    private static Map<String, String> form(LabHttpRequest request) {
        Map<String, String> form = new LinkedHashMap<>();
        LabHttpRequest.parseForm(request.bodyAsString()).forEach((k, v) -> form.putIfAbsent(k, v.get(0)));
        return form;
    }

    private static TokenRequestException onlyPost(LabHttpRequest request) {
        return new TokenRequestException(405, "invalid_request", 900561,
            "The endpoint only accepts POST requests. Received a " + request.method() + " request.");
    }

    private static TokenRequestException notAForm() {
        return new TokenRequestException(400, "invalid_request", 900144,
            "The request body is not valid form-urlencoded content.");
    }

    /** The grant itself, without HTTP: checks the request and issues the token. */
    public IssuedToken issue(Map<String, String> form, boolean v2) throws TokenRequestException {
        String grantType = form.get("grant_type");
        if (grantType == null) {
            throw TokenRequestException.missingParameter("grant_type");
        }
        if (!"client_credentials".equals(grantType)) {
            // Entra ID's exact text for other grants is not documented; this wording is the lab's.
            throw new TokenRequestException(400, "unsupported_grant_type", 70003,
                "The app requested an unsupported grant type '" + grantType + "'.");
        }
        String clientId = form.get("client_id");
        if (clientId == null) {
            throw TokenRequestException.missingParameter("client_id");
        }
        String resource = resourceOf(form, v2);
        Optional<Application> registered = directory.application(clientId);
        if (registered.isEmpty() && form.containsKey("client_assertion")) {
            Optional<FederatedClient> identity = managedIdentityClients.apply(clientId);
            if (identity.isPresent()) {
                AuthenticatedClient client = assertions.authenticateManagedIdentity(identity.get().identity(),
                    identity.get().credentials(), form);
                return tokens.issueManagedIdentityToken(client.principal(), resource);
            }
        }
        Application application = registered.orElseThrow(() ->
            TokenRequestException.applicationNotFound(clientId, tenant));
        ClientAuthentication method = authentications.stream().filter(a -> a.appliesTo(form)).findFirst()
            .orElseThrow(TokenRequestException::noClientCredential);
        AuthenticatedClient client = method.authenticate(application, form);
        if (client.principal() == null) {
            // An application registered without its service principal (az ad app create, no az ad sp create yet).
            throw new TokenRequestException(401, "invalid_client", 7000229, "The client application "
                + application.appId() + " is missing service principal in the tenant " + tenant.id() + ". See "
                + "instructions here: https://go.microsoft.com/fwlink/?linkid=2225119");
        }
        return tokens.issueApplicationToken(client.principal(), resource, client.appidacr());
    }

    private String resourceOf(Map<String, String> form, boolean v2) throws TokenRequestException {
        String requested;
        if (v2) {
            String scope = form.get("scope");
            if (scope == null) {
                throw TokenRequestException.missingParameter("scope");
            }
            // MSAL adds the OIDC scopes to every request; a client-credentials grant ignores them.
            requested = java.util.Arrays.stream(scope.trim().split(" +"))
                .filter(s -> !List.of("openid", "profile", "offline_access").contains(s))
                .findFirst().orElse("");
            if (!requested.endsWith("/.default")) {
                throw new TokenRequestException(400, "invalid_scope", 1002012, "The provided value for scope "
                    + requested + " is not valid. Client credential flows must have a scope value with /.default "
                    + "suffixed to the resource identifier (application ID URI).");
            }
        } else {
            requested = form.get("resource");
            if (requested == null) {
                throw TokenRequestException.missingParameter("resource");
            }
        }
        String asked = requested;
        return resources.resolve(requested).orElseThrow(() ->
            TokenRequestException.resourceNotFound(stripDefault(asked), tenant));
    }

    private static String stripDefault(String scope) {
        return scope.endsWith("/.default") ? scope.substring(0, scope.length() - "/.default".length()) : scope;
    }

    private Map<String, Object> success(IssuedToken token, boolean v2) {
        long expiresIn = Duration.between(clock.instant(), token.expiresOn()).getSeconds();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_type", "Bearer");
        if (v2) {
            body.put("expires_in", expiresIn);
            body.put("ext_expires_in", expiresIn);
        } else {
            // The v1.0 endpoint writes its numbers as strings.
            body.put("expires_in", String.valueOf(expiresIn));
            body.put("ext_expires_in", String.valueOf(expiresIn));
            body.put("expires_on", String.valueOf(token.expiresOn().getEpochSecond()));
            body.put("not_before", String.valueOf(token.notBefore().getEpochSecond()));
            body.put("resource", token.resource());
        }
        body.put("access_token", token.accessToken());
        return body;
    }

    /** Entra ID's error body: the AADSTS text followed by trace and correlation ids and a timestamp. */
    private LabHttpResponse error(TokenRequestException e) {
        Instant now = clock.instant();
        String traceId = UUID.randomUUID().toString();
        String correlationId = UUID.randomUUID().toString();
        String timestamp = TIMESTAMP.format(now);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("error_description", e.getMessage() + " Trace ID: " + traceId + " Correlation ID: " + correlationId
            + " Timestamp: " + timestamp);
        body.put("error_codes", List.of(e.aadsts()));
        body.put("timestamp", timestamp);
        body.put("trace_id", traceId);
        body.put("correlation_id", correlationId);
        body.put("error_uri", EntraEndpoint.AUTHORITY + "/error?code=" + e.aadsts());
        return LabHttpResponse.json(e.status(), Json.write(body));
    }

}
