package dev.milab.arm;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.milab.entra.ValidatedToken;
import dev.milab.http.Json;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/**
 * One authenticated Resource Manager request as the provider handlers see it: the caller, the query, the body, and
 * the checks every operation makes (api-version, RBAC, request content), each failing with Azure's status and code.
 */
final class ArmCall {

    private final LabHttpRequest request;
    private final ValidatedToken caller;
    private final RbacEvaluator rbac;
    private final Map<String, List<String>> query;
    private JsonNode body;

    ArmCall(LabHttpRequest request, ValidatedToken caller, RbacEvaluator rbac) {
        this.request = request;
        this.caller = caller;
        this.rbac = rbac;
        try {
            this.query = request.queryParameters();
        } catch (IllegalArgumentException e) {
            throw new ArmException(400, "InvalidRequestUri", "The request URI is not valid: its query is not "
                + "valid percent-encoding.");
        }
    }

    String method() {
        return request.method();
    }

    /**
     * The same caller's request to another resource, as Resource Manager makes it for a template deployment's
     * resources: the providers see (and authorize) it as if the caller had sent it.
     */
    ArmCall internal(String method, String path, String apiVersion, byte[] body) {
        return new ArmCall(new LabHttpRequest(method, request.host(), path, "api-version="
            + java.net.URLEncoder.encode(apiVersion, java.nio.charset.StandardCharsets.UTF_8), request.headers(), body),
            caller, rbac);
    }

    ValidatedToken caller() {
        return caller;
    }

    /** The caller's object id, which role assignments name. */
    String principalId() {
        return caller.objectId();
    }

    String queryParameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * The request's api-version, which must be one the resource type serves.
     *
     * @param resourceType for the message: {@code virtualMachines}, {@code resourceGroups}, ...
     */
    String requireApiVersion(List<String> supported, String resourceType) {
        String version = queryParameter("api-version");
        if (version == null || version.isEmpty()) {
            throw new ArmException(400, "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.");
        }
        if (!supported.contains(version)) {
            throw new ArmException(400, "NoRegisteredProviderFound", "No registered resource provider found for "
                + "location 'westeurope' and API version '" + version + "' for type '" + resourceType + "'. The "
                + "supported api-versions are '" + String.join(", ", supported) + "'. The supported locations are "
                + "'westeurope, northeurope, eastus, westus2'.");
        }
        return version;
    }

    /** Refuses with 403 {@code AuthorizationFailed} unless the caller may perform {@code action} at {@code scope}. */
    void authorize(String action, String scope) {
        if (!rbac.isAllowed(principalId(), action, scope)) {
            throw new ArmException(403, "AuthorizationFailed", "The client '" + principalId() + "' with object id '"
                + principalId() + "' does not have authorization to perform action '" + action + "' over scope '"
                + scope + "' or the scope is invalid. If access was recently granted, please refresh your credentials.");
        }
    }

    boolean isAllowed(String action, String scope) {
        return rbac.isAllowed(principalId(), action, scope);
    }

    /**
     * Refuses with 403 {@code LinkedAuthorizationFailed} when the caller may write the resource but not perform
     * {@code linkedAction} on every linked resource (as attaching a user-assigned identity needs).
     */
    void authorizeLinked(String action, String scope, String linkedAction, List<String> linkedScopes) {
        List<String> denied = linkedScopes.stream().filter(s -> !rbac.isAllowed(principalId(), linkedAction, s))
            .toList();
        if (!denied.isEmpty()) {
            throw new ArmException(403, "LinkedAuthorizationFailed", "The client '" + principalId()
                + "' with object id '" + principalId() + "' has permission to perform action '" + action
                + "' on scope '" + scope + "'; however, it does not have permission to perform action(s) '"
                + linkedAction + "' on the linked scope(s) '" + String.join(",", denied) + "' (respectively) or the "
                + "linked scope(s) are invalid.");
        }
    }

    /**
     * The body as a JSON object whose members (and those of its {@code properties}) are all known; anything else is
     * 400 {@code InvalidRequestContent}, as the resource providers answer it. {@code properties} null: its members
     * are the provider's to check.
     */
    ObjectNode body(Set<String> topLevel, Set<String> properties) {
        if (body == null) {
            try {
                body = request.body().length == 0 ? null : Json.read(request.bodyAsString());
            } catch (IOException e) {
                String detail = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
                throw invalidContent(detail);
            }
            if (body == null || !body.isObject()) {
                throw invalidContent("The request body must be a JSON object.");
            }
        }
        ObjectNode object = (ObjectNode) body;
        if (topLevel == null) {
            return object;
        }
        rejectUnknown(object, topLevel, "");
        JsonNode props = object.get("properties");
        if (props != null && !props.isNull()) {
            if (!props.isObject()) {
                throw invalidContent("Error converting value to type 'Properties'. Path 'properties'.");
            }
            if (properties != null) {
                rejectUnknown((ObjectNode) props, properties, "properties.");
            }
        }
        return object;
    }

    /**
     * The body as a JSON object, members unchecked: for providers that ignore what they do not know (App Service
     * accepts a site's whole read model back, as {@code az webapp identity assign} sends it).
     */
    ObjectNode lenientBody() {
        return body(null, null);
    }

    static ArmException invalidContent(String detail) {
        return new ArmException(400, "InvalidRequestContent",
            "The request content was invalid and could not be deserialized: '" + detail + "'.");
    }

    private static void rejectUnknown(ObjectNode node, Set<String> known, String prefix) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (known.stream().noneMatch(k -> k.equalsIgnoreCase(name))) {
                throw invalidContent("Could not find member '" + name + "' on object of type '"
                    + (prefix.isEmpty() ? "ResourceDefinition" : "Properties") + "'. Path '" + prefix + name + "'");
            }
        }
    }

    /** A JSON string member, or null; a non-string is invalid content. */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalidContent("Error converting value " + v + " to type 'String'. Path '" + field + "'");
        }
        return v.asText();
    }

    /** The {@code tags} member as a map, or null when absent. */
    static Map<String, String> tags(JsonNode resource) {
        JsonNode t = resource.get("tags");
        if (t == null || t.isNull()) {
            return null;
        }
        if (!t.isObject()) {
            throw invalidContent("Error converting value to type 'Dictionary`2'. Path 'tags'");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        t.fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        return tags;
    }

    static LabHttpResponse ok(Object body) {
        return LabHttpResponse.json(200, Json.write(body));
    }

    static LabHttpResponse created(Object body) {
        return LabHttpResponse.json(201, Json.write(body));
    }

    /** 200 with no body, as a DELETE of what existed answers where the REST spec declares no response body. */
    static LabHttpResponse okWithoutBody() {
        return new LabHttpResponse(200, Map.of(), new byte[0]);
    }

    static LabHttpResponse noContent() {
        return new LabHttpResponse(204, Map.of(), new byte[0]);
    }

    static LabHttpResponse list(List<?> values) {
        return ok(Map.of("value", values));
    }

    /**
     * A provider's list operation: GET only, {@code readAction} at the list's scope, the resources of the resource
     * group (or of the whole subscription).
     */
    <T> LabHttpResponse listResources(ResourcePath path, String readAction, List<T> all,
                                      Function<T, String> resourceGroupOf, Function<T, ?> json) {
        if (!"GET".equals(method())) {
            throw methodNotAllowed(method());
        }
        authorize(readAction, path.listScope());
        return list(all.stream()
            .filter(r -> path.resourceGroup() == null || resourceGroupOf.apply(r).equalsIgnoreCase(path.resourceGroup()))
            .map(json).toList());
    }

    static ArmException notFound(String type, String name, String resourceGroup) {
        return new ResourceNotFoundException("The Resource '" + type + "/" + name + "' under resource group '"
            + resourceGroup + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
    }

    static ArmException methodNotAllowed(String method) {
        return new ArmException(405, "MethodNotAllowed", "The requested resource does not support http method '"
            + method + "'.");
    }
}
