package dev.milab.bearertoken.app;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks the VM's instance metadata endpoint (IMDS) for a managed identity token with nothing but the JDK's HTTP
 * client: one GET, one JSON answer. This is what azure-identity's {@code ManagedIdentityCredential} does for you
 * (plus caching and retries).
 *
 * <pre>
 * GET http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&amp;resource=api://...
 * Metadata: true
 * </pre>
 * Microsoft Learn: "How to use managed identities for Azure resources on an Azure VM to acquire an access token".
 */
public final class ImdsTokenClient {

    /** IMDS's address on every Azure VM: link-local, reachable only from inside the VM. */
    public static final URI AZURE_ENDPOINT = URI.create("http://169.254.169.254");
    public static final String TOKEN_PATH = "/metadata/identity/oauth2/token";
    /** The first api-version with the identity endpoint; every later one answers the same fields. */
    public static final String API_VERSION = "2018-02-01";

    private final URI endpoint;
    private final HttpClient http;

    /** @param endpoint IMDS's base address: {@link #AZURE_ENDPOINT} on a VM */
    public ImdsTokenClient(URI endpoint) {
        this.endpoint = endpoint;
        // IMDS must be reached directly: a proxy would forward the request off the VM (and IMDS refuses requests
        // with X-Forwarded-For).
        this.http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * The request, exactly as sent: {@code resource} is the App ID URI (or client id) of the API the token is for;
     * {@code clientId} picks a user-assigned identity, and is empty for the VM's system-assigned one.
     */
    public HttpRequest request(String resource, Optional<String> clientId) {
        String query = "api-version=" + API_VERSION + "&resource=" + URLEncoder.encode(resource,
            StandardCharsets.UTF_8) + clientId.map(id -> "&client_id=" + URLEncoder.encode(id,
            StandardCharsets.UTF_8)).orElse("");
        return HttpRequest.newBuilder(endpoint.resolve(TOKEN_PATH + "?" + query))
            // Without it IMDS answers 400: a server-side request forgery cannot set this header.
            .header("Metadata", "true")
            .timeout(Duration.ofSeconds(10))
            .GET().build();
    }

    /** Sends a request (from {@link #request}) and returns IMDS's answer as it came. */
    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** A token for {@code resource}; throws {@link ImdsException} with IMDS's own words when it refuses. */
    public ImdsToken token(String resource, Optional<String> clientId) throws IOException, InterruptedException {
        HttpResponse<String> response = send(request(resource, clientId));
        if (response.statusCode() != 200) {
            // 404, 410, 429 and 5xx are worth retrying with back-off (IMDS is being updated or throttles);
            // 400 means the request or the identity is wrong.
            throw new ImdsException(response.statusCode(), response.body());
        }
        return ImdsToken.parse(response.body());
    }
}
