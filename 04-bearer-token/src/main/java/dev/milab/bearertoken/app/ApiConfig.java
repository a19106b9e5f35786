package dev.milab.bearertoken.app;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The settings of the orders API ({@code api.properties}):
 * <pre>
 * entra.tenant-id=...                        # the tenant whose tokens the API accepts
 * api.audience=api://...                     # the API's App ID URI (and its client id, comma-separated, if callers use that)
 * api.allowed-callers=...                    # object ids (oid) of the identities that may call, comma-separated
 * api.required-role=                         # or: an app role the caller must hold (the roles claim)
 * api.clock-skew-seconds=300                 # leeway for exp and nbf (Microsoft's libraries allow 5 minutes)
 * api.bind-address=0.0.0.0
 * api.port=8443
 * api.tls.key-store=/etc/orders/tls.p12      # the API's certificate and key; without it the API speaks plain HTTP
 * api.tls.key-store-password=...
 * # only to reach Entra ID somewhere else than Azure's public cloud:
 * entra.openid-configuration=                # default https://login.microsoftonline.com/{tenant}/.well-known/openid-configuration
 * entra.jwks-uri=                            # default: the jwks_uri of that document
 * https.trust-store=                         # default: the JDK's CA list
 * https.trust-store-password=
 * </pre>
 */
public record ApiConfig(String tenantId, Set<String> audiences, Set<String> allowedCallers,
                        Optional<String> requiredRole, Duration clockSkew, String bindAddress, int port,
                        Optional<Path> keyStore, String keyStorePassword, URI openIdConfiguration,
                        Optional<URI> jwksUri, Optional<Path> trustStore, String trustStorePassword) {

    /** Entra ID's public cloud. */
    public static final String AUTHORITY = "https://login.microsoftonline.com";

    public static ApiConfig load(Path file) throws IOException {
        return from(Settings.load(file));
    }

    public static ApiConfig from(Properties properties) {
        Settings s = Settings.of(properties);
        String tenant = s.required("entra.tenant-id");
        Set<String> audiences = s.list("api.audience");
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("api.audience is missing");
        }
        Set<String> callers = s.list("api.allowed-callers");
        Optional<String> role = s.optional("api.required-role");
        if (callers.isEmpty() && role.isEmpty()) {
            throw new IllegalArgumentException("Set api.allowed-callers or api.required-role: a valid token alone"
                + " says who the caller is, not that it may call");
        }
        // The v1.0 document: its issuer, https://sts.windows.net/{tenant}/, is the one in managed identity tokens.
        URI discovery = URI.create(s.or("entra.openid-configuration",
            AUTHORITY + "/" + tenant + "/.well-known/openid-configuration"));
        return new ApiConfig(tenant, audiences, callers, role,
            Duration.ofSeconds(Long.parseLong(s.or("api.clock-skew-seconds", "300"))),
            s.or("api.bind-address", "0.0.0.0"), Integer.parseInt(s.or("api.port", "8443")),
            s.path("api.tls.key-store"), s.or("api.tls.key-store-password", ""), discovery,
            s.optional("entra.jwks-uri").map(URI::create), s.path("https.trust-store"),
            s.or("https.trust-store-password", ""));
    }
}
