package org.safeharbor.jurisdiction.support.v1;

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
 * A JSON state's wire format with Jackson, the JSON counterpart of {@link SchemaXml}: records as DTOs, strict on
 * reading (unknown properties, duplicate keys, missing or null {@link JsonRequired} properties, nulls for primitives,
 * a single value for an array and trailing tokens all fail), ISO-8601 dates, no nulls written, and only record
 * components (fields) on the wire. A refusal names Jackson's kind of problem and the JSON path, never a value (Jackson's
 * own messages quote it, and a payload may hold personal data). Schema validation stays the state's (its schemas and
 * validator of choice).
 */
public final class StrictJson {

    private final ObjectMapper mapper;

    /** {@code limits}: the state's bounds on what it reads (nesting, string, number and name lengths), far below Jackson's defaults. */
    public StrictJson(StreamReadConstraints limits) {
        this.mapper = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(limits).build())
                .addModule(new JavaTimeModule())
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
    }

    /** The configured mapper, e.g. for a reader that tolerates what a state may add to an answer. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** Writes a DTO as JSON. */
    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a DTO strictly; {@link IllegalArgumentException} naming the type, Jackson's kind of problem and the JSON path. */
    public <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonMappingException e) {
            String path = e.getPath().stream().map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("", "$", ""));
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + e.getClass().getSimpleName() + " at " + path, e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** Parses JSON into a tree (e.g. for schema validation); {@link IllegalArgumentException} if malformed. */
    public JsonNode tree(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getClass().getSimpleName(), e);
        }
    }
}
