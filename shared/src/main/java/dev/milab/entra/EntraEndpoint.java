package dev.milab.entra;

import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.milab.http.Json;
import dev.milab.http.LabHttpHandler;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/**
 * {@code https://login.microsoftonline.com} in the lab: OpenID Connect discovery (v1.0 and v2.0 paths) and the
 * tenant's signing keys (JWKS), so any resource or client can validate lab tokens the way it validates Entra ID's.
 */
public final class EntraEndpoint implements LabHttpHandler {

    public static final String AUTHORITY = "https://login.microsoftonline.com";

    private final Tenant tenant;
    private final SigningKeys keys;
    private final TokenEndpoint tokenEndpoint;

    public EntraEndpoint(Tenant tenant, SigningKeys keys) {
        this(tenant, keys, null);
    }

    /** With the token endpoint for confidential clients (null: token paths answer 404). */
    public EntraEndpoint(Tenant tenant, SigningKeys keys, TokenEndpoint tokenEndpoint) {
        this.tenant = tenant;
        this.keys = keys;
        this.tokenEndpoint = tokenEndpoint;
    }

    @Override
    public LabHttpResponse handle(LabHttpRequest request) {
        String[] segments = request.normalizedPath().substring(1).split("/", -1);
        if (segments.length < 2) {
            return notFound();
        }
        String tenantSegment = segments[0];
        String rest = String.join("/", List.of(segments).subList(1, segments.length));
        if (!tenant.isNamedBy(tenantSegment)) {
            return LabHttpResponse.json(400, error("invalid_tenant", "AADSTS90002: Tenant '" + tenantSegment
                + "' not found. Check to make sure you have the correct tenant ID and are signing into the correct "
                + "cloud."));
        }
        boolean v2Token = rest.equals("oauth2/v2.0/token");
        if (tokenEndpoint != null && (v2Token || rest.equals("oauth2/token"))) {
            return tokenEndpoint.handle(request, v2Token);
        }
        if (tokenEndpoint != null && rest.equals("oauth2/v2.0/devicecode")) {
            return tokenEndpoint.handleDeviceAuthorization(request);
        }
        if (!"GET".equals(request.method())) {
            return LabHttpResponse.json(405, error("invalid_request",
                "AADSTS900561: The endpoint only accepts GET requests. Received a " + request.method() + " request."));
        }
        return switch (rest) {
            case "discovery/instance" -> LabHttpResponse.json(200, Json.write(instanceDiscovery(request)));
            case ".well-known/openid-configuration" -> LabHttpResponse.json(200, Json.write(v1Configuration()));
            case "v2.0/.well-known/openid-configuration" -> LabHttpResponse.json(200, Json.write(v2Configuration()));
            case "discovery/keys" -> LabHttpResponse.json(200, Json.write(jwks(false)));
            case "discovery/v2.0/keys" -> LabHttpResponse.json(200, Json.write(jwks(true)));
            default -> notFound();
        };
    }

    /**
     * MSAL's instance discovery ({@code /common/discovery/instance?api-version=1.1&authorization_endpoint=...}): the
     * public cloud's host aliases and where the tenant's v2.0 OpenID configuration is. MSAL asks this before its
     * first token request unless a client calls {@code disableInstanceDiscovery()}; the lab answers so no client must.
     */
    public Map<String, Object> instanceDiscovery(LabHttpRequest request) {
        String tenantOfAuthority = tenant.id();
        List<String> endpoint = request.queryParameters().getOrDefault("authorization_endpoint", List.of());
        if (!endpoint.isEmpty()) {
            String[] parts = endpoint.get(0).replaceFirst("^https://[^/]+/", "").split("/");
            if (parts.length > 0 && !parts[0].isEmpty()) {
                tenantOfAuthority = parts[0];
            }
        }
        Map<String, Object> cloud = new LinkedHashMap<>();
        cloud.put("preferred_network", "login.microsoftonline.com");
        cloud.put("preferred_cache", "login.windows.net");
        cloud.put("aliases", List.of("login.microsoftonline.com", "login.windows.net", "login.microsoft.com",
            "sts.windows.net"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant_discovery_endpoint", AUTHORITY + "/" + tenantOfAuthority
            + "/v2.0/.well-known/openid-configuration");
        body.put("api-version", "1.1");
        body.put("metadata", List.of(cloud));
        return body;
    }

    /** The v1.0 OpenID configuration; its issuer is the one in managed identity tokens. */
    public Map<String, Object> v1Configuration() {
        return configuration("", List.of("code", "id_token", "code id_token", "token id_token", "token"),
            List.of("openid"), tenant.v1Issuer());
    }

    /** The v2.0 OpenID configuration. */
    public Map<String, Object> v2Configuration() {
        return configuration("/v2.0", List.of("code", "id_token", "code id_token", "id_token token"),
            List.of("openid", "profile", "email", "offline_access"), tenant.v2Issuer());
    }

    /** An OpenID configuration as Entra ID publishes it; {@code version} is "" (v1.0) or "/v2.0" in its paths. */
    private Map<String, Object> configuration(String version, List<String> responseTypes, List<String> scopes,
                                              String issuer) {
        String base = AUTHORITY + "/" + tenant.id();
        String oauth = base + "/oauth2" + version;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("token_endpoint", oauth + "/token");
        c.put("token_endpoint_auth_methods_supported", List.of("client_secret_post", "private_key_jwt",
            "client_secret_basic"));
        c.put("jwks_uri", base + "/discovery" + version + "/keys");
        c.put("response_modes_supported", List.of("query", "fragment", "form_post"));
        c.put("subject_types_supported", List.of("pairwise"));
        c.put("id_token_signing_alg_values_supported", List.of("RS256"));
        c.put("response_types_supported", responseTypes);
        c.put("scopes_supported", scopes);
        c.put("issuer", issuer);
        if (!version.isEmpty()) {
            c.put("request_uri_parameter_supported", false);
        }
        c.put("authorization_endpoint", oauth + "/authorize");
        c.put("device_authorization_endpoint", oauth + "/devicecode");
        c.put("end_session_endpoint", oauth + "/logout");
        c.put("tenant_region_scope", "EU");
        c.put("cloud_instance_name", "microsoftonline.com");
        c.put("cloud_graph_host_name", "graph.windows.net");
        c.put("msgraph_host", "graph.microsoft.com");
        return c;
    }

    /** The published signing keys as a JWK set (RFC 7517); v2.0 entries also name their issuer. */
    public Map<String, Object> jwks(boolean v2) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (SigningKey key : keys.published()) {
            Map<String, Object> jwk = Jwk.rsa(key.kid(), key.publicKey());
            jwk.put("x5t", key.kid());
            try {
                jwk.put("x5c", List.of(Base64.getEncoder().encodeToString(key.certificate().getEncoded())));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
            if (v2) {
                jwk.put("issuer", tenant.v2Issuer());
            }
            entries.add(jwk);
        }
        return Map.of("keys", entries);
    }

    private static LabHttpResponse notFound() {
        return LabHttpResponse.json(404, error("not_found", "The lab's Entra ID does not serve this path."));
    }

    static String error(String code, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        body.put("error_codes", List.of());
        return Json.write(body);
    }
}
