package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.OtherElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.SharedCode;
import org.safeharbor.jurisdiction.us.fl.layout.AllegationRecord;

/**
 * mappings/fhir/ConceptMap-ht-allegation-to-us-fl.json and the Java mapping agree, row by row: every row's DCF
 * category is what the format writes, every combination of the shared dimensions has exactly one row, and the
 * target codes are the (placeholder) defaults of the bundle's CodeSystem.
 */
class FloridaConceptMapTest {

    static final Path MAP_FILE = Path.of("..", "..", "mappings", "fhir", "ConceptMap-ht-allegation-to-us-fl.json");
    static final String FL_SYSTEM = "https://fhir.safeharbor-bridge.org/CodeSystem/us-fl-allegation";

    static final FhirContext FHIR = FhirContext.forR4();
    static final FloridaFormat FORMAT = new FloridaFormat(FloridaCategories.PLACEHOLDERS);
    static final ConceptMap MAP = parse(ConceptMap.class, read(MAP_FILE));
    static final CodeSystem CODES = parse(CodeSystem.class, classpath("/fhir/CodeSystem-us-fl-allegation.json"));

    @AfterAll
    static void close() {
        FORMAT.close();
    }

    @Test
    void mapsFromTheSharedCodeToFloridasCategories() {
        assertEquals("ht-allegation-to-us-fl", MAP.getIdElement().getIdPart());
        assertEquals(1, MAP.getGroup().size());
        assertEquals(SharedCode.SYSTEM, MAP.getGroupFirstRep().getSource());
        assertEquals(FL_SYSTEM, MAP.getGroupFirstRep().getTarget());
        assertEquals(FL_SYSTEM, CODES.getUrl());
        assertTrue(MAP.getDescription().contains("REFERENCE DESIGN"));
        assertTrue(MAP.getDescription().contains("UNCONFIRMED"));
    }

    @Test
    void everyRowIsWhatTheFormatWrites() {
        int rows = 0;
        for (SourceElementComponent element : MAP.getGroupFirstRep().getElement()) {
            for (TargetElementComponent target : element.getTarget()) {
                rows++;
                String where = element.getCode() + " -> " + target.getCode() + " " + dependsOn(target);
                assertTrue(target.getComment().contains("docs/domain.md") || target.getComment().contains("IOM/NRC"), where + ": cites its source");
                if (target.getEquivalence() == ConceptMapEquivalence.UNMATCHED) {
                    Certainty certainty = Certainty.fromCode(element.getCode());
                    assertFalse(certainty.isAllegation(), where);
                    for (AllegationType type : AllegationType.values()) {
                        assertTrue(FORMAT.write(referral(FloridaAdapter.FLORIDA, Allegation.of(type, certainty))).isEmpty(),
                                where + ": never sent");
                    }
                    continue;
                }
                assertTrue(target.getComment().contains("PLACEHOLDER"), where + ": the code value is unconfirmed, say so");
                AllegationType type = AllegationType.fromCode(element.getCode());
                for (PerpetratorRelation perpetrator : perpetrators(target)) {
                    for (CaregiverRole role : roles(target)) {
                        for (Certainty certainty : List.of(Certainty.SUSPECTED, Certainty.CONFIRMED)) {
                            String payload = FORMAT.write(referral(FloridaAdapter.FLORIDA,
                                    allegation(type, certainty, perpetrator, role))).orElseThrow();
                            AllegationRecord record = FORMAT.fixedWidth().readLines(AllegationRecord.class, payload).get(0);
                            assertEquals(target.getCode(), record.getDcfCategory(), where + " for " + perpetrator + "/" + role);
                        }
                    }
                }
            }
        }
        assertEquals(94, rows, "6 sexual types x (7 relations x 2 roles + failure to protect) + labor + 3 unmatched");
    }

    @Test
    void everyCombinationHasExactlyOneRow() {
        for (AllegationType type : AllegationType.values()) {
            SourceElementComponent element = MAP.getGroupFirstRep().getElement().stream()
                    .filter(e -> e.getCode().equals(type.code())).findFirst().orElseThrow(() -> new AssertionError(type.code()));
            for (PerpetratorRelation perpetrator : PerpetratorRelation.values()) {
                for (CaregiverRole role : CaregiverRole.values()) {
                    long matching = element.getTarget().stream()
                            .filter(t -> perpetrators(t).contains(perpetrator) && roles(t).contains(role)).count();
                    assertEquals(1, matching, type.code() + " " + perpetrator.code() + " " + role.code());
                }
            }
        }
    }

    @Test
    void targetCodesAreTheCodeSystemsPlaceholderDefaults() {
        Set<String> inCodeSystem = CODES.getConcept().stream().map(CodeSystem.ConceptDefinitionComponent::getCode)
                .collect(Collectors.toSet());
        FloridaCategories defaults = FloridaCategories.PLACEHOLDERS;
        assertEquals(Set.of(defaults.sexualNonCaregiver(), defaults.sexualCaregiver(), defaults.labor()), inCodeSystem);
        MAP.getGroupFirstRep().getElement().forEach(e -> e.getTarget().stream().filter(TargetElementComponent::hasCode)
                .forEach(t -> assertTrue(inCodeSystem.contains(t.getCode()), t.getCode())));
        assertTrue(CODES.getDescription().contains("PLACEHOLDER"));
    }

    // ------------------------------------------------------------------ helpers

    private static List<PerpetratorRelation> perpetrators(TargetElementComponent target) {
        return dependsOnValue(target, "perpetrator").map(v -> List.of(PerpetratorRelation.fromCode(v)))
                .orElse(Arrays.asList(PerpetratorRelation.values()));
    }

    private static List<CaregiverRole> roles(TargetElementComponent target) {
        return dependsOnValue(target, "caregiver-role").map(v -> List.of(CaregiverRole.fromCode(v)))
                .orElse(Arrays.asList(CaregiverRole.values()));
    }

    private static java.util.Optional<String> dependsOnValue(TargetElementComponent target, String property) {
        List<OtherElementComponent> matching = target.getDependsOn().stream()
                .filter(d -> d.getProperty().equals(SharedCode.SYSTEM + "#" + property)).toList();
        assertTrue(matching.size() <= 1);
        matching.forEach(d -> assertEquals(SharedCode.SYSTEM, d.getSystem()));
        return matching.stream().map(OtherElementComponent::getValue).findFirst();
    }

    private static String dependsOn(TargetElementComponent target) {
        return target.getDependsOn().stream().map(OtherElementComponent::getValue).toList().toString();
    }

    private static <T extends org.hl7.fhir.instance.model.api.IBaseResource> T parse(Class<T> type, String json) {
        IParser parser = FHIR.newJsonParser();
        // an unknown element or a wrong value type fails the test instead of being dropped
        parser.setParserErrorHandler(new StrictErrorHandler());
        return parser.parseResource(type, json);
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String classpath(String name) {
        try (InputStream in = FloridaConceptMapTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
