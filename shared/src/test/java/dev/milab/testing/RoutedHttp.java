package dev.milab.testing;

import java.nio.charset.StandardCharsets;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;

/**
 * Plain requests through the HTTP client azure-core picks in this JVM (the lab's routing client), so tests read
 * Azure's real URLs ({@code https://login.microsoftonline.com/...}) from the lab and never from the network.
 */
public final class RoutedHttp {

    private RoutedHttp() {
    }

    public record Response(int status, String body) {
    }

    public static Response get(String url) {
        return send(new HttpRequest(HttpMethod.GET, url));
    }

    /** A request with any method, headers and body (null for none). */
    public static Response send(HttpMethod method, String url, java.util.Map<String, String> headers, String body) {
        HttpRequest request = new HttpRequest(method, url);
        headers.forEach(request::setHeader);
        if (body != null) {
            request.setBody(body);
        }
        return send(request);
    }

    /** A form POST, as OAuth 2.0 clients send token requests. */
    public static Response postForm(String url, String form) {
        return send(HttpMethod.POST, url, java.util.Map.of("Content-Type", "application/x-www-form-urlencoded"), form);
    }

    private static Response send(HttpRequest request) {
        try (HttpResponse response = HttpClient.createDefault().sendSync(request, Context.NONE)) {
            byte[] body = response.getBodyAsBinaryData().toBytes();
            return new Response(response.getStatusCode(), new String(body, StandardCharsets.UTF_8));
        }
    }
}
