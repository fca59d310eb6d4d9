package org.safeharbor.jurisdiction.us.ma.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * One of this bundle's JSON Schemas (draft 2020-12), loaded from the bundle itself and checked with the networknt
 * validator, format assertions on (date, date-time).
 *
 * @param resource the bundle resource the schema was loaded from
 */
public record WireSchema(String resource, JsonSchema schema) {

    /** The 51A written report. */
    public static final WireSchema REPORT_51A = load("us-ma/schema/us-ma-51a-report.schema.json");
    /** The Department's notice to the District Attorney or local law enforcement (s.51B(k)). */
    public static final WireSchema DEPARTMENT_NOTICE = load("us-ma/schema/us-ma-department-notice.schema.json");
    /** A status DCF sends back. */
    public static final WireSchema STATUS = load("us-ma/schema/us-ma-status.schema.json");

    private static WireSchema load(String resource) {
        // this bundle's own class loader: the thread context class loader is unreliable inside OSGi
        try (InputStream in = WireSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema missing from the bundle: " + resource);
            }
            JsonNode node = WireJson.STRICT.readTree(in);
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(node, config);
            schema.initializeValidators();
            return new WireSchema(resource, schema);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }

    /**
     * The problems found in {@code json}, empty when it is valid. Messages name JSON paths and
     * rules, never values, so they may be logged and returned to the sender.
     */
    public List<String> validate(String json) {
        JsonNode node;
        try {
            node = WireJson.tree(json);
        } catch (IllegalArgumentException malformed) {
            return List.of(malformed.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            return List.of("empty body");
        }
        return schema.validate(node).stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
