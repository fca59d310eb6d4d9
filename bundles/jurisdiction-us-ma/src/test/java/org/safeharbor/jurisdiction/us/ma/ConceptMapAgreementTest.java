package org.safeharbor.jurisdiction.us.ma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.HashSet;
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
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;

/**
 * mappings/fhir/ConceptMap-ht-allegation-to-us-ma.json and the Java mapping say the same thing,
 * row by row (the pom copies the file onto the test class path under {@code mappings/}).
 */
class ConceptMapAgreementTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");
    private final MassachusettsFormat format = new MassachusettsFormat();

    private static JsonNode load(String name) throws IOException {
        try (InputStream in = ConceptMapAgreementTest.class.getClassLoader().getResourceAsStream("mappings/" + name)) {
            assertNotNull(in, name + " is missing");
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void mapsFromTheSharedCodeToTheMassachusettsCodes() throws IOException {
        JsonNode map = load("ConceptMap-ht-allegation-to-us-ma.json");
        assertEquals("ConceptMap", map.get("resourceType").asText());
        assertEquals(1, map.get("group").size());
        JsonNode group = map.get("group").get(0);
        assertEquals(SharedCode.SYSTEM, group.get("source").asText());
        assertEquals(MaAllegation.SYSTEM, group.get("target").asText());
        assertTrue(map.get("description").asText().contains("REFERENCE DESIGN"));
    }

    @Test
    void everyTypeRowAgreesWithTheFormatAndEveryTypeHasARow() throws IOException {
        Set<AllegationType> seen = EnumSet.noneOf(AllegationType.class);
        Set<String> targets = new HashSet<>();
        for (JsonNode element : load("ConceptMap-ht-allegation-to-us-ma.json").get("group").get(0).get("element")) {
            String code = element.get("code").asText();
            assertEquals(1, element.get("target").size(), code);
            JsonNode target = element.get("target").get(0);
            assertFalse(target.path("comment").asText().isBlank(), code + ": every row cites its source");
            AllegationType type = typeOrNull(code);
            if (type == null) {
                continue;
            }
            assertTrue(seen.add(type), code + " is listed twice");
            String mapped = target.get("code").asText();
            targets.add(mapped);
            assertEquals(MaAllegation.of(type).code(), mapped, code);
            // and what the format actually writes
            for (PerpetratorRelation perpetrator : PerpetratorRelation.values()) {
                String payload = format.write(referral(MA, allegation(type, Certainty.SUSPECTED, perpetrator,
                        perpetrator == PerpetratorRelation.UNKNOWN ? CaregiverRole.NOT_APPLICABLE : CaregiverRole.ACT))).orElseThrow();
                assertEquals(mapped, WireJson.tree(payload).at("/allegations/0/allegation").asText(), code + " by " + perpetrator.code());
            }
            assertTrue(target.get("comment").asText().contains("2016"), code + ": cites the 2016 DCF allegations");
        }
        assertEquals(EnumSet.allOf(AllegationType.class), seen, "every shared type has a row");
        Set<String> maCodes = new HashSet<>();
        for (MaAllegation a : MaAllegation.values()) {
            maCodes.add(a.code());
        }
        assertEquals(maCodes, targets, "every Massachusetts code is reached");
    }

    @Test
    void theUnmatchedCertaintyRowsAreNeverWritten() throws IOException {
        Set<Certainty> unmatched = EnumSet.noneOf(Certainty.class);
        for (JsonNode element : load("ConceptMap-ht-allegation-to-us-ma.json").get("group").get(0).get("element")) {
            JsonNode target = element.get("target").get(0);
            if (!"unmatched".equals(target.get("equivalence").asText())) {
                continue;
            }
            assertFalse(target.has("code"), element.get("code").asText());
            Certainty certainty = Certainty.fromCode(element.get("code").asText());
            unmatched.add(certainty);
            assertTrue(format.write(referral(MA, Allegation.of(AllegationType.SEX_TRAFFICKING, certainty))).isEmpty(),
                    certainty.code() + " is unmatched in the map but written by the format");
        }
        assertEquals(EnumSet.of(Certainty.AT_RISK, Certainty.RULED_OUT, Certainty.HISTORICAL), unmatched);
    }

    @Test
    void everySourceCodeIsAConceptOfTheSharedCodeSystem() throws IOException {
        Set<String> concepts = new HashSet<>();
        collect(load("CodeSystem-ht-allegation.json").get("concept"), concepts);
        for (JsonNode element : load("ConceptMap-ht-allegation-to-us-ma.json").get("group").get(0).get("element")) {
            assertTrue(concepts.contains(element.get("code").asText()), element.get("code").asText());
        }
    }

    private static void collect(JsonNode concepts, Set<String> into) {
        for (JsonNode concept : concepts) {
            into.add(concept.get("code").asText());
            if (concept.has("concept")) {
                collect(concept.get("concept"), into);
            }
        }
    }

    private static AllegationType typeOrNull(String code) {
        try {
            return AllegationType.fromCode(code);
        } catch (IllegalArgumentException notAType) {
            return null;
        }
    }
}
