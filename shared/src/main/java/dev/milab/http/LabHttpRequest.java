package dev.milab.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request as the lab's handlers see it: transport-neutral, so handlers are plain functions that tests can
 * call without a socket.
 *
 * @param method  the request method, upper case
 * @param host    the Host header without port, lower case ({@code kv1.vault.azure.net}); empty if absent
 * @param path    the raw path as sent, which may start with {@code //} (MSAL sends that to IMDS)
 * @param query   the raw query string, without {@code ?}; empty if none
 * @param headers header names in lower case, each with every value sent
 * @param body    the request body, empty if none
 */
public record LabHttpRequest(String method, String host, String path, String query,
                             Map<String, List<String>> headers, byte[] body) {

    public LabHttpRequest {
        headers = Map.copyOf(headers);
    }

    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public boolean hasHeader(String name) {
        return headers.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** The path with runs of leading slashes folded to one: {@code //metadata/x} becomes {@code /metadata/x}. */
    public String normalizedPath() {
        int i = 0;
        while (i < path.length() && path.charAt(i) == '/') {
            i++;
        }
        return "/" + path.substring(i);
    }

    /**
     * The query parameters, decoded, in order, each name with all its values; a name sent twice has two values.
     *
     * @throws IllegalArgumentException if the query is not valid percent-encoding
     */
    public Map<String, List<String>> queryParameters() {
        return parseForm(query);
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Parses {@code application/x-www-form-urlencoded} text (a query string or a form body). */
    public static Map<String, List<String>> parseForm(String text) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return result;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            result.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return result;
    }

    /** A builder for tests and in-process callers. */
    public static LabHttpRequest get(String host, String pathAndQuery, Map<String, String> headers) {
        int q = pathAndQuery.indexOf('?');
        Map<String, List<String>> h = new LinkedHashMap<>();
        headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), List.of(v)));
        return new LabHttpRequest("GET", host, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
            q < 0 ? "" : pathAndQuery.substring(q + 1), h, new byte[0]);
    }
}
