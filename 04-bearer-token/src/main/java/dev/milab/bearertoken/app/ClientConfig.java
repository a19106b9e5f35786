package dev.milab.bearertoken.app;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The settings of the client on the VM ({@code client.properties}):
 * <pre>
 * imds.endpoint=http://169.254.169.254             # the default; IMDS's address on every Azure VM
 * api.resource=api://11111111-2222-3333-4444-555555555555   # the API's App ID URI: the token's audience
 * api.url=https://orders.contoso.com/orders
 * azure.client-id=                                 # only for a user-assigned identity
 * api.trust-store=                                 # only if the API's certificate is not from a public CA
 * api.trust-store-password=
 * </pre>
 */
public record ClientConfig(URI imdsEndpoint, String resource, URI apiUrl, Optional<String> clientId,
                           Optional<Path> trustStore, String trustStorePassword) {

    public static ClientConfig load(Path file) throws IOException {
        return from(Settings.load(file));
    }

    public static ClientConfig from(Properties properties) {
        Settings s = Settings.of(properties);
        return new ClientConfig(URI.create(s.or("imds.endpoint", ImdsTokenClient.AZURE_ENDPOINT.toString())),
            s.required("api.resource"), URI.create(s.required("api.url")), s.optional("azure.client-id"),
            s.path("api.trust-store"), s.or("api.trust-store-password", ""));
    }
}
