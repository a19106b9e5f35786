package dev.milab.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP response from a lab handler: status, headers and the whole body. */
public record LabHttpResponse(int status, Map<String, String> headers, byte[] body) {

    public LabHttpResponse {
        headers = Map.copyOf(headers);
    }

    public static LabHttpResponse json(int status, String json) {
        return new LabHttpResponse(status, Map.of("Content-Type", "application/json; charset=utf-8"),
            json.getBytes(StandardCharsets.UTF_8));
    }

    public static LabHttpResponse json(int status, String json, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.put("Content-Type", "application/json; charset=utf-8");
        return new LabHttpResponse(status, headers, json.getBytes(StandardCharsets.UTF_8));
    }

    public static LabHttpResponse text(int status, String text) {
        return new LabHttpResponse(status, Map.of("Content-Type", "text/plain; charset=utf-8"),
            text.getBytes(StandardCharsets.UTF_8));
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
