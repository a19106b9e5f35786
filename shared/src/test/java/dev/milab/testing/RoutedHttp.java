package dev.milab.testing;

import java.nio.charset.StandardCharsets;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;

/**
 * Plain GETs through the HTTP client azure-core picks in this JVM (the lab's routing client), so tests read
 * Azure's real URLs ({@code https://login.microsoftonline.com/...}) from the lab and never from the network.
 */
public final class RoutedHttp {

    private RoutedHttp() {
    }

    public record Response(int status, String body) {
    }

    public static Response get(String url) {
        try (HttpResponse response = HttpClient.createDefault()
            .sendSync(new HttpRequest(HttpMethod.GET, url), Context.NONE)) {
            byte[] body = response.getBodyAsBinaryData().toBytes();
            return new Response(response.getStatusCode(), new String(body, StandardCharsets.UTF_8));
        }
    }
}
