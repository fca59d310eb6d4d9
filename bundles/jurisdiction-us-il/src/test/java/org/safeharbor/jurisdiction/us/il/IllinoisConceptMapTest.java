package org.safeharbor.jurisdiction.us.il;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.SharedCode;
import org.safeharbor.jurisdiction.us.il.wire.IntakeReport;

/**
 * The published ConceptMap ({@code mappings/fhir/ConceptMap-ht-allegation-to-us-il.json}) and the
 * bundle's Java mapping must say the same thing, row by row.
 */
class IllinoisConceptMapTest {

    private static final String CAREGIVER_ROLE = SharedCode.SYSTEM + "#caregiver-role";
    private static final Set<Certainty> NOT_SENT = Set.of(Certainty.AT_RISK, Certainty.RULED_OUT, Certainty.HISTORICAL);

    private final JsonNode group = load().path("group").get(0);
    private final IllinoisFormat format = new IllinoisFormat();

    private static JsonNode load() {
        // the module sits at bundles/jurisdiction-us-il; the mappings at mappings/fhir
        Path file = Path.of(System.getProperty("basedir", ".")).resolve("../../mappings/fhir/ConceptMap-ht-allegation-to-us-il.json");
        try {
            return new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file.normalize(), e);
        }
    }

    @Test
    void mapsTheSharedCodeToTheIllinoisCodes() {
        assertEquals(SharedCode.SYSTEM, group.path("source").asText());
        assertEquals(IllinoisAllegationCode.SYSTEM, group.path("target").asText());
    }

    @Test
    void everyTypeRowAgreesWithTheFormatForEveryCaregiverRoleAndPerpetrator() {
        for (JsonNode element : elements()) {
            if (!isType(element.path("code").asText())) {
                continue;
            }
            AllegationType type = AllegationType.fromCode(element.path("code").asText());
            Set<CaregiverRole> rolesMapped = new HashSet<>();
            for (JsonNode target : element.path("target")) {
                String where = type.code() + " -> " + target.path("code").asText();
                assertTrue(target.path("comment").asText().contains("89 Ill. Adm. Code 300"), where + ": cites its source");
                JsonNode dependsOn = target.path("dependsOn").get(0);
                assertEquals(CAREGIVER_ROLE, dependsOn.path("property").asText(), where);
                CaregiverRole role = CaregiverRole.fromCode(dependsOn.path("value").asText());
                assertTrue(rolesMapped.add(role), where + ": " + role.code() + " mapped twice");
                IllinoisAllegationCode code = IllinoisAllegationCode.fromCode(target.path("code").asText());
                assertEquals(code.display(), target.path("display").asText(), where);
                // Illinois: abused whoever the trafficker is, so no perpetrator changes the code; the format first
                // makes the role follow the perpetrator's caregiver status, so a row is checked where that keeps it
                for (PerpetratorRelation perpetrator : PerpetratorRelation.values()) {
                    if (CaregiverRole.of(IllinoisFormat.caregiverStatus(perpetrator), role) != role) {
                        continue;
                    }
                    Allegation allegation = allegation(type, Certainty.SUSPECTED, perpetrator, role);
                    assertEquals(code, IllinoisAllegationCode.of(allegation), where + " by " + perpetrator.code());
                    assertEquals(code.code(), writtenCode(allegation), where + " by " + perpetrator.code());
                }
            }
            assertEquals(Set.of(CaregiverRole.values()), rolesMapped, type.code() + ": every caregiver role has a row");
        }
    }

    @Test
    void everyAllegationTypeHasARow() {
        Set<String> mapped = elements().stream().map(e -> e.path("code").asText()).collect(Collectors.toSet());
        for (AllegationType type : AllegationType.values()) {
            assertTrue(mapped.contains(type.code()), type.code());
        }
    }

    @Test
    void theCertaintiesThatAreNeverSentAreUnmatchedAndTheFormatSendsNothingForThem() {
        Set<Certainty> unmatched = new HashSet<>();
        for (JsonNode element : elements()) {
            String code = element.path("code").asText();
            if (isType(code)) {
                continue;
            }
            Certainty certainty = Certainty.fromCode(code);
            JsonNode target = element.path("target").get(0);
            assertEquals("unmatched", target.path("equivalence").asText(), code);
            assertFalse(target.path("comment").asText().isBlank(), code);
            assertTrue(format.write(referral(IllinoisAdapter.US_IL, Allegation.of(AllegationType.SEX_TRAFFICKING, certainty))).isEmpty(),
                    code + " is unmatched in the map but the format sent it");
            unmatched.add(certainty);
        }
        assertEquals(NOT_SENT, unmatched);
    }

    private List<JsonNode> elements() {
        return StreamSupport.stream(group.path("element").spliterator(), false).toList();
    }

    private static boolean isType(String code) {
        return Arrays.stream(AllegationType.values()).anyMatch(t -> t.code().equals(code));
    }

    private String writtenCode(Allegation allegation) {
        String payload = format.write(referral(IllinoisAdapter.US_IL, allegation)).orElseThrow();
        return IntakeXml.read(payload, IntakeReport.class).getAllegation().get(0).getCode();
    }
}
