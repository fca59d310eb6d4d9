package org.safeharbor.jurisdiction.us.ma.wire;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.safeharbor.jurisdiction.support.v1.StrictJson;

/**
 * The Massachusetts wire format's JSON: the kit's {@link StrictJson} (strict reading, refusals naming the path, never a
 * value), so the DTOs accept what the JSON Schemas accept, short of their value patterns.
 */
public final class WireJson {

    /**
     * What DCF sends is small and flat (a report nests five levels, its longest text is a few hundred characters):
     * bounds far below Jackson's defaults (1000 levels, 20 MB strings).
     */
    private static final StrictJson JSON = new StrictJson(StreamReadConstraints.builder().maxNestingDepth(32)
            .maxStringLength(64 * 1024).maxNumberLength(32).maxNameLength(256).build());
    /** The strict mapper, for readers of its own (an answer DCF may add fields to). */
    public static final ObjectMapper STRICT = JSON.mapper();

    private WireJson() {
    }

    public static String write(Object value) {
        return JSON.write(value);
    }

    public static <T> T read(String json, Class<T> type) {
        return JSON.read(json, type);
    }

    public static JsonNode tree(String json) {
        return JSON.tree(json);
    }
}
