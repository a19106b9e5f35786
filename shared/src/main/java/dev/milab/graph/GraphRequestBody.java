package dev.milab.graph;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.http.Json;
import dev.milab.http.LabHttpRequest;

/**
 * A JSON object sent to Microsoft Graph, read as Graph reads it: malformed JSON, a property the type does not have
 * and a value of the wrong type are refused with Graph's (OData's) errors before anything changes. The lab writes
 * only some of a type's properties; the others may be sent with the value the lab shows for them (null, an empty
 * list, or the fixed value listed), and any other value is refused with a message that says the lab does not model
 * it, rather than being dropped silently.
 *
 * @param json the object
 * @param type the Graph type it stands for, for messages ({@code application}, {@code keyCredential})
 */
record GraphRequestBody(JsonNode json, String type) {

    static final String UNREADABLE = "Unable to read JSON request payload. Please ensure Content-Type header is set "
        + "and payload is of valid JSON format.";

    /**
     * The request's body as an object of {@code type}; an empty body is an empty object if {@code optional}.
     */
    static GraphRequestBody of(LabHttpRequest request, String type, boolean optional) {
        if (request.body().length == 0) {
            if (optional) {
                return new GraphRequestBody(Json.object(), type);
            }
            throw new GraphException(400, "BadRequest", UNREADABLE);
        }
        String contentType = request.header("Content-Type").orElse("");
        if (!contentType.toLowerCase(java.util.Locale.ROOT).contains("json")) {
            throw new GraphException(400, "BadRequest", "Entity only allows writes with a JSON Content-Type header.");
        }
        JsonNode json;
        try {
            json = Json.read(request.bodyAsString());
        } catch (IOException e) {
            throw new GraphException(400, "BadRequest", UNREADABLE);
        }
        if (json == null || !json.isObject()) {
            throw new GraphException(400, "BadRequest", UNREADABLE);
        }
        return new GraphRequestBody(json, type);
    }

    /**
     * Checks the property names: each must be one of {@code modeled}, or one of {@code unmodeled} sent with the
     * lab's value for it (a key of {@code fixed} with that value, else null or an empty list or object). Instance
     * annotations ({@code @odata.type}) are allowed.
     */
    GraphRequestBody allowing(Set<String> modeled, Set<String> unmodeled, Map<String, String> fixed) {
        Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (name.startsWith("@odata.") || modeled.contains(name)) {
                continue;
            }
            if (!unmodeled.contains(name)) {
                throw new GraphException(400, "BadRequest", "The property '" + name + "' does not exist on type "
                    + "'microsoft.graph." + type + "'. Make sure to only use property names that are defined by the "
                    + "type or mark the type as open type.");
            }
            JsonNode value = field.getValue();
            boolean labsValue = fixed.containsKey(name) ? value.isTextual() && value.asText().equals(fixed.get(name))
                : value.isNull() || (value.isContainerNode() && value.isEmpty());
            if (!labsValue) {
                throw notModeled(name);
            }
        }
        return this;
    }

    /** The lab's refusal of a property Graph has but the lab does not keep. */
    GraphException notModeled(String name) {
        return new GraphException(400, "Request_BadRequest", "The lab's Microsoft Graph does not model the property '"
            + name + "' of " + type + " (it writes only what the Azure CLI's az ad app and az ad sp commands set); "
            + "send it with the value the lab shows for it, or leave it out.");
    }

    boolean has(String name) {
        return json.has(name);
    }

    /** A string property, or null if absent or null. */
    String string(String name) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw wrongNode(name, value, "PrimitiveValue of type 'Edm.String'");
        }
        return value.asText();
    }

    /** A boolean property, or null if absent or null. */
    Boolean bool(String name) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw wrongNode(name, value, "PrimitiveValue of type 'Edm.Boolean'");
        }
        return value.asBoolean();
    }

    /** A DateTimeOffset property ({@code 2024-01-01T00:00:00Z}), or null if absent or null. */
    Instant dateTime(String name) {
        String text = string(name);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new GraphException(400, "BadRequest", "Cannot convert the literal '" + text + "' to the expected "
                + "type 'Edm.DateTimeOffset'.");
        }
    }

    /** A collection of strings, or null if absent or null. */
    List<String> strings(String name) {
        List<String> result = new ArrayList<>();
        for (JsonNode item : array(name)) {
            if (!item.isTextual()) {
                throw wrongNode(name, item, "PrimitiveValue of type 'Edm.String'");
            }
            result.add(item.asText());
        }
        return json.get(name) == null || json.get(name).isNull() ? null : result;
    }

    /** A collection of objects of {@code itemType}, or null if absent or null. */
    List<GraphRequestBody> objects(String name, String itemType) {
        List<GraphRequestBody> result = new ArrayList<>();
        for (JsonNode item : array(name)) {
            if (!item.isObject()) {
                throw wrongNode(name, item, "StartObject");
            }
            result.add(new GraphRequestBody(item, itemType));
        }
        return json.get(name) == null || json.get(name).isNull() ? null : result;
    }

    /** An object property of {@code itemType}, or null if absent or null. */
    GraphRequestBody object(String name, String itemType) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw wrongNode(name, value, "StartObject");
        }
        return new GraphRequestBody(value, itemType);
    }

    private List<JsonNode> array(String name) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw wrongNode(name, value, "StartArray");
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }

    /** OData's words for a value of the wrong JSON kind. */
    private static GraphException wrongNode(String name, JsonNode value, String expected) {
        String found = value.isArray() ? "StartArray" : value.isObject() ? "StartObject" : "PrimitiveValue";
        return new GraphException(400, "BadRequest", "A node of type '" + found + "' was read from the JSON reader "
            + "when trying to read the value of the property '" + name + "'; however, a '" + expected + "' node was "
            + "expected.");
    }

    /** AAD's refusal of a value it cannot accept for a property. */
    static GraphException invalidValue(String property, String resource) {
        return new GraphException(400, "Request_BadRequest", "Invalid value specified for property '" + property
            + "' of resource '" + resource + "'.");
    }
}
