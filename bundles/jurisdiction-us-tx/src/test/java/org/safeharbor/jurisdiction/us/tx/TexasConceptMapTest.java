package org.safeharbor.jurisdiction.us.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.SharedCode;

/** The published ConceptMap and the Java mapping must say the same thing, row by row. */
class TexasConceptMapTest {

    private static final Path MAP = Path.of("../../mappings/fhir/ConceptMap-ht-allegation-to-us-tx.json");
    private static final String TX_SYSTEM = "https://fhir.safeharbor-bridge.org/CodeSystem/us-tx-allegation";
    private static final String ROLE = SharedCode.SYSTEM + "#caregiver-role";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode map = read();
    private final TexasNiemFormat format = new TexasNiemFormat(Duration.ofHours(24));

    @Test
    void isAConceptMapFromTheSharedCodeToTheTexasCodes() {
        assertEquals("ConceptMap", map.path("resourceType").asText());
        assertTrue(map.path("description").asText().contains("REFERENCE DESIGN"));
        for (JsonNode group : map.path("group")) {
            assertEquals(SharedCode.SYSTEM, group.path("source").asText());
            assertEquals(TX_SYSTEM, group.path("target").asText());
        }
    }

    @Test
    void everyRowCitesItsSourceAndTargetsAKnownCode() throws IOException {
        Set<String> known = new HashSet<>();
        try (InputStream in = TexasXml.class.getClassLoader().getResourceAsStream("fhir/CodeSystem-us-tx-allegation.json")) {
            JsonNode cs = JSON.readTree(in);
            assertEquals(TX_SYSTEM, cs.path("url").asText());
            cs.path("concept").forEach(c -> known.add(c.path("code").asText()));
        }
        for (JsonNode target : targets()) {
            assertFalse(target.path("comment").asText().isBlank(), "a row without its source: " + target);
            if (!"unmatched".equals(target.path("equivalence").asText())) {
                assertTrue(known.contains(target.path("code").asText()), "unknown target code " + target.path("code"));
            }
        }
    }

    @Test
    void typeRowsAgreeWithTheFormatAndCoverEveryType() {
        Set<AllegationType> seen = new HashSet<>();
        for (JsonNode element : group(0)) {
            AllegationType type = AllegationType.fromCode(element.path("code").asText());
            seen.add(type);
            assertEquals(TexasNiemFormat.exploitationIndustryCode(type), element.path("target").get(0).path("code").asText(), type.code());
        }
        assertEquals(Set.of(AllegationType.values()), seen);
    }

    @Test
    void perpetratorRowsAgreeWithTheTexasRouteForEveryRole() {
        Set<PerpetratorRelation> seen = new HashSet<>();
        for (JsonNode element : group(1)) {
            PerpetratorRelation relation = PerpetratorRelation.fromCode(element.path("code").asText());
            seen.add(relation);
            for (CaregiverRole role : CaregiverRole.values()) {
                String expected = TexasRules.route(allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, relation, role)).code();
                assertEquals(expected, targetFor(element, role), relation.code() + "/" + role.code());
            }
        }
        assertEquals(Set.of(PerpetratorRelation.values()), seen);
    }

    @Test
    void certaintyRowsAgreeWithWhatIsSent() {
        Set<Certainty> seen = new HashSet<>();
        for (JsonNode element : group(2)) {
            Certainty certainty = Certainty.fromCode(element.path("code").asText());
            seen.add(certainty);
            JsonNode target = element.path("target").get(0);
            var payload = format.write(referral(Jurisdiction.of("US-TX"), Allegation.of(AllegationType.SEX_TRAFFICKING, certainty)));
            if ("unmatched".equals(target.path("equivalence").asText())) {
                assertTrue(payload.isEmpty(), certainty.code() + " is unmatched in the map but sent");
            } else {
                assertTrue(payload.orElseThrow().contains("<nc:StatusText>" + target.path("code").asText() + "</nc:StatusText>"),
                        certainty.code());
            }
        }
        assertEquals(Set.of(Certainty.values()), seen);
    }

    /** The target that applies to a role: the one whose dependsOn names it, or the only one without dependsOn. */
    private static String targetFor(JsonNode element, CaregiverRole role) {
        String unconditional = null;
        for (JsonNode target : element.path("target")) {
            JsonNode depends = target.path("dependsOn");
            if (depends.isMissingNode() || depends.isEmpty()) {
                unconditional = target.path("code").asText();
                continue;
            }
            assertEquals(ROLE, depends.get(0).path("property").asText());
            if (role.code().equals(depends.get(0).path("value").asText())) {
                return target.path("code").asText();
            }
        }
        return unconditional;
    }

    private List<JsonNode> targets() {
        List<JsonNode> all = new java.util.ArrayList<>();
        map.path("group").forEach(g -> g.path("element").forEach(e -> e.path("target").forEach(all::add)));
        return all;
    }

    private JsonNode group(int index) {
        return map.path("group").get(index).path("element");
    }

    private static JsonNode read() {
        try {
            return JSON.readTree(MAP.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + MAP.toAbsolutePath(), e);
        }
    }
}
