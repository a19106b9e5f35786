package dev.milab.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The lab's one JSON mapper. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(String json) throws IOException {
        return MAPPER.readTree(json);
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> readMap(byte[] json) throws IOException {
        return MAPPER.readValue(json, Map.class);
    }
}
