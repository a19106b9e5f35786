package dev.milab.arm;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A resource the graph keeps as its Resource Manager document (what a GET returns), for the types whose only
 * behaviour is what their provider does on a write: virtual networks, network security groups, public IP addresses,
 * network interfaces, and template deployments. Immutable; the graph replaces it on every change.
 *
 * @param type     {@code Microsoft.Network/virtualNetworks}, ...
 * @param document the GET body: {@code id}, {@code name}, {@code type}, {@code location}, {@code properties}, ...
 */
public record StoredResource(String id, String type, String resourceGroup, String name, Map<String, Object> document) {

    public StoredResource {
        document = Collections.unmodifiableMap(new LinkedHashMap<>(document));
    }

    /** {@code properties} of the document, or an empty map. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> properties() {
        return document.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
    }
}
