package org.safeharbor.jurisdiction.us.ma.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson configuration of the Massachusetts wire format. Strict on reading: unknown properties, duplicate keys,
 * missing or null required properties ({@link Required}), nulls for primitives and trailing tokens all fail, so the DTOs
 * accept what the JSON Schemas accept, short of their value patterns.
 */
public final class WireJson {

    /** Strict mapper for everything we define (reports, notifications, statuses). */
    public static final ObjectMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    // what DCF sends is small and flat (a report nests five levels, its longest text is a few hundred
                    // characters): bounds far below Jackson's defaults (1000 levels, 20 MB strings)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32)
                            .maxStringLength(64 * 1024).maxNumberLength(32).maxNameLength(256).build())
                    .build())
            .addModule(new JavaTimeModule())
            // only record components: no derived values on the wire
            .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private WireJson() {
    }

    /** Writes a DTO as JSON. */
    public static String write(Object value) {
        try {
            return STRICT.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a DTO strictly; throws {@link IllegalArgumentException} naming only the kind of problem (Jackson's exception
     * class) and the JSON path, never a value: Jackson's own messages quote it, and the payload may hold personal data.
     */
    public static <T> T read(String json, Class<T> type) {
        try {
            return STRICT.readValue(json, type);
        } catch (JsonMappingException e) {
            String path = e.getPath().stream().map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("", "$", ""));
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + e.getClass().getSimpleName() + " at " + path, e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** Parses JSON into a tree for schema validation; throws {@link IllegalArgumentException} if malformed. */
    public static JsonNode tree(String json) {
        try {
            return STRICT.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getClass().getSimpleName(), e);
        }
    }
}
