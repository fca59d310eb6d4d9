package org.safeharbor.jurisdiction.us.ma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;
import org.safeharbor.tck.ConceptMapAgreementTest;

/**
 * This bundle's ConceptMap ({@code src/main/resources/fhir/ConceptMap-ht-allegation-to-us-ma.json}, one group keyed by
 * allegation type and certainty) and the Java mapping say the same thing, row by row (the kit's
 * {@link ConceptMapAgreementTest}); here only what is Massachusetts' own: every type row cites DCF's 2016 allegations,
 * every Massachusetts code is reached, and the map says it is a reference design.
 */
class MassachusettsConceptMapTest extends ConceptMapAgreementTest {

    /** The reference design's code system of DCF's allegations. */
    private static final String MA_SYSTEM = "https://fhir.safeharbor-bridge.org/CodeSystem/us-ma-allegation";
    /** DCF's allegations as the wire schema allows them: the map's targets must be these. */
    private static final Set<String> MA_CODES = schemaAllegations();

    @Override
    protected StateMapping mapping() {
        return new StateMapping(Path.of("src/main/resources/fhir/ConceptMap-ht-allegation-to-us-ma.json"), MA_SYSTEM,
                MA_CODES, Jurisdiction.of("US-MA"), new MassachusettsFormat());
    }

    private static Set<String> schemaAllegations() {
        try (var in = MassachusettsFormat.class.getClassLoader().getResourceAsStream("us-ma/schema/us-ma-51a-report.schema.json")) {
            Set<String> codes = new HashSet<>();
            WireJson.tree(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .at("/$defs/allegation/properties/allegation/enum").forEach(code -> codes.add(code.asText()));
            assertTrue(!codes.isEmpty(), "the schema lists the allegations");
            return codes;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Set<String> codesWritten(String payload) {
        Set<String> codes = new HashSet<>();
        WireJson.tree(payload).path("allegations").forEach(a -> codes.add(a.path("allegation").asText()));
        return codes;
    }

    /** Each type row rests on DCF's 2016 allegation definitions (docs/domain.md, Massachusetts). */
    @Test
    void everyTypeRowCitesTheDepartmentsAllegationDefinitions() {
        Set<String> types = Arrays.stream(AllegationType.values()).map(AllegationType::code).collect(Collectors.toSet());
        for (JsonNode element : map().path("group").get(0).path("element")) {
            if (types.contains(element.path("code").asText())) {
                element.path("target").forEach(t -> assertTrue(t.path("comment").asText().contains("2016"),
                        element.path("code").asText() + ": cites the 2016 DCF allegations"));
            }
        }
    }

    @Test
    void everyMassachusettsCodeIsReached() {
        Set<String> targets = new HashSet<>();
        for (JsonNode group : map().path("group")) {
            group.path("element").forEach(e -> e.path("target").forEach(t -> {
                if (t.has("code")) {
                    targets.add(t.path("code").asText());
                }
            }));
        }
        assertEquals(MA_CODES, targets);
    }

    @Test
    void saysItIsAReferenceDesign() {
        assertTrue(map().path("description").asText().contains("REFERENCE DESIGN"));
    }
}
