package dev.milab.graph;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.http.Json;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/** Requests to Microsoft Graph as the endpoint receives them, and its answers as JSON, for the Graph tests. */
final class GraphRequests {

    private GraphRequests() {
    }

    /** {@code GET https://graph.microsoft.com{pathAndQuery}}, with the bearer {@code token} unless it is null. */
    static LabHttpRequest get(String pathAndQuery, String token) {
        int q = pathAndQuery.indexOf('?');
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (token != null) {
            headers.put("authorization", List.of("Bearer " + token));
        }
        return new LabHttpRequest("GET", "graph.microsoft.com", q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
            q < 0 ? "" : pathAndQuery.substring(q + 1), headers, new byte[0]);
    }

    static JsonNode json(LabHttpResponse r) {
        try {
            return Json.read(r.bodyAsString());
        } catch (IOException e) {
            throw new AssertionError(r.bodyAsString(), e);
        }
    }
}
