package dev.milab.lab;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.milab.http.HostPattern;
import dev.milab.http.Json;
import dev.milab.http.LabHttpHandler;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/**
 * The lab's one HTTPS listener serves every Azure host name; this sends each request to the service that owns its
 * {@code Host}, as Azure's own front ends do. Patterns are exact names or {@code *.suffix}.
 */
final class HostDispatcher implements LabHttpHandler {

    private record Binding(HostPattern pattern, LabHttpHandler handler) {
    }

    private final List<Binding> bindings = new CopyOnWriteArrayList<>();

    void bind(String hostPattern, LabHttpHandler handler) {
        bindings.add(new Binding(new HostPattern(hostPattern), handler));
    }

    @Override
    public LabHttpResponse handle(LabHttpRequest request) {
        String host = request.host().toLowerCase(Locale.ROOT);
        for (Binding b : bindings) {
            if (b.pattern().matches(host)) {
                return b.handler().handle(request);
            }
        }
        return LabHttpResponse.json(404, Json.write(Map.of("error", Map.of("code", "HostNotFound", "message",
            "The lab serves no host named '" + request.host() + "'. Send Azure's host name in the Host header "
                + "(curl --connect-to, or the lab's routing for Azure SDK clients)."))));
    }
}
