package org.safeharbor.jurisdiction.us.ma.wire;

import java.io.IOException;
import java.io.UncheckedIOException;

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
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson configuration of the Massachusetts wire format. Strict on reading: unknown
 * properties, duplicate keys, missing required properties ({@code @JsonProperty(required = true)}),
 * explicit nulls for them (the DTOs' constructors), nulls for primitives and trailing tokens all
 * fail, so the strict DTOs accept what the JSON Schemas accept, short of their value patterns.
 */
public final class WireJson {

    /** Deepest nesting read: a 51A report nests about five levels. */
    public static final int MAX_DEPTH = 32;
    /** Longest string read, in characters (the report's longest text is a few hundred). */
    public static final int MAX_STRING_LENGTH = 64 * 1024;
    /** Longest number read, in characters. */
    public static final int MAX_NUMBER_LENGTH = 32;
    /** Longest key read, in characters. */
    public static final int MAX_NAME_LENGTH = 256;

    /** Strict mapper for everything we define (reports, notifications, statuses). */
    public static final ObjectMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    // what DCF sends is small and flat: bounds far below Jackson's defaults (1000 levels, 20 MB strings)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(MAX_STRING_LENGTH).maxNumberLength(MAX_NUMBER_LENGTH).maxNameLength(MAX_NAME_LENGTH).build())
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
     * Reads a DTO strictly; throws {@link IllegalArgumentException} naming only the kind of
     * problem and the JSON path, never a value (the payload may hold personal data).
     */
    public static <T> T read(String json, Class<T> type) {
        try {
            return STRICT.readValue(json, type);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + kind(e) + " at " + path(e), e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** What went wrong, without the offending value (Jackson's own messages quote it). */
    private static String kind(JsonMappingException e) {
        String original = String.valueOf(e.getOriginalMessage());
        if (e instanceof UnrecognizedPropertyException) {
            return "unknown property";
        }
        if (original.startsWith("Missing required creator property")) {
            return "missing required property";
        }
        if (original.startsWith("Null value for creator property")) {
            return "null value";
        }
        if (e instanceof ValueInstantiationException && e.getCause() instanceof IllegalArgumentException refused) {
            return refused.getMessage();
        }
        if (e instanceof InvalidFormatException) {
            return "invalid value";
        }
        return e.getClass().getSimpleName();
    }

    /** The JSON path of the problem, e.g. {@code child.birthDate} or {@code allegations[0].form}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder("$");
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
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
