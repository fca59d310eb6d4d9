package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CodeSystemTest {

    private final CodeSystem cs = FhirResources.codeSystem();

    @Test
    void codesAreUniqueAcrossTheHierarchy() {
        Set<String> seen = new HashSet<>();
        List<String> duplicates = FhirResources.allConcepts(cs).stream()
                .map(ConceptDefinitionComponent::getCode)
                .filter(code -> !seen.add(code))
                .toList();
        assertTrue(duplicates.isEmpty(), "duplicate codes: " + duplicates);
    }

    /** The project's Java enums use exactly these strings: renaming or adding one must be a deliberate change. */
    @Test
    void dimensionsHoldExactlyTheAgreedCodes() {
        assertEquals(List.of("type", "certainty", "perpetrator", "caregiver-role"),
                cs.getConcept().stream().map(ConceptDefinitionComponent::getCode).toList());
        assertEquals(List.of("sex-trafficking", "labor-trafficking"), FhirResources.childCodes(cs, "type"));
        assertEquals(List.of("exploitation-through-prostitution", "survival-sex", "pornography", "sex-tourism-marriage", "sexual-venue"),
                FhirResources.childCodes(cs, "sex-trafficking"));
        assertEquals(List.of("at-risk", "suspected", "confirmed", "ruled-out", "historical"),
                FhirResources.childCodes(cs, "certainty"));
        assertEquals(List.of("parent", "step-or-foster-parent", "other-family-member", "other-caregiver",
                "non-family", "multiple", "unknown"), FhirResources.childCodes(cs, "perpetrator"));
        assertEquals(List.of("act", "failure-to-protect", "not-applicable"),
                FhirResources.childCodes(cs, "caregiver-role"));
        assertEquals(26, FhirResources.allConcepts(cs).size());
    }

    @Test
    void onlyTheFourGroupersAreAbstract() {
        Set<String> abstractCodes = FhirResources.allConcepts(cs).stream()
                .filter(FhirResources::isAbstract)
                .map(ConceptDefinitionComponent::getCode)
                .collect(Collectors.toSet());
        assertEquals(Set.of("type", "certainty", "perpetrator", "caregiver-role"), abstractCodes);
    }

    @Test
    void everyConceptHasDisplayDefinitionAndSource() {
        for (ConceptDefinitionComponent c : FhirResources.allConcepts(cs)) {
            assertFalse(c.getDisplay() == null || c.getDisplay().isBlank(), c.getCode() + ": display");
            assertFalse(c.getDefinition() == null || c.getDefinition().isBlank(), c.getCode() + ": definition");
            String source = FhirResources.property(c, "source")
                    .map(p -> p.getValue() instanceof StringType s ? s.getValue() : null)
                    .orElse(null);
            assertFalse(source == null || source.isBlank(), c.getCode() + ": source property");
        }
    }

    @Test
    void everyPerpetratorHasACaregiverDefaultAndNoOtherConceptHasOne() {
        Set<String> allowed = Set.of("caregiver", "non-caregiver", "undetermined");
        List<String> perpetrators = FhirResources.childCodes(cs, "perpetrator");
        for (ConceptDefinitionComponent c : FhirResources.allConcepts(cs)) {
            var value = FhirResources.property(c, "caregiver-default").map(p -> p.getValue().primitiveValue());
            if (perpetrators.contains(c.getCode())) {
                assertTrue(value.isPresent() && allowed.contains(value.get()), c.getCode() + ": " + value);
            } else {
                assertTrue(value.isEmpty(), c.getCode() + " is no perpetrator but has a caregiver-default");
            }
        }
    }

    // ---- every CodeSystem the module ships ------------------------------------------------------------------

    static Stream<String> codeSystemFiles() {
        return FhirResources.filesOfType("CodeSystem").stream();
    }

    static CodeSystem load(String file) {
        return FhirResources.parse(CodeSystem.class, file);
    }

    @Test
    void theFourCodeSystemsAreShipped() {
        assertEquals(List.of(MappingResources.CODE_SYSTEM_URL, MappingResources.MESSAGE_EVENT_URL,
                        "https://fhir.safeharbor-bridge.org/CodeSystem/custody-circumstance",
                        "https://fhir.safeharbor-bridge.org/CodeSystem/services-referral", MappingResources.SCREENING_URL, MappingResources.DELIVERY_STATUS_URL,
                        MappingResources.NCANDS_MALTREATMENT_TYPE_URL, MappingResources.NCANDS_MALTREATMENT_LEVEL_URL),
                codeSystemFiles().map(f -> load(f).getUrl()).toList());
    }

    @ParameterizedTest
    @MethodSource("codeSystemFiles")
    void urlEndsWithTheIdAndContentIsComplete(String file) {
        CodeSystem c = load(file);
        assertEquals("https://fhir.safeharbor-bridge.org/CodeSystem/" + c.getIdElement().getIdPart(), c.getUrl());
        assertEquals(CodeSystem.CodeSystemContentMode.COMPLETE, c.getContent(), file);
        assertTrue(c.getCaseSensitive(), file);
        assertFalse(c.getDescription() == null || c.getDescription().isBlank(), file + ": description");
    }

    @ParameterizedTest
    @MethodSource("codeSystemFiles")
    void codesAreUniqueInEachCodeSystem(String file) {
        Set<String> seen = new HashSet<>();
        List<String> duplicates = FhirResources.allConcepts(load(file)).stream()
                .map(ConceptDefinitionComponent::getCode)
                .filter(code -> !seen.add(code))
                .toList();
        assertTrue(duplicates.isEmpty(), file + ": duplicate codes " + duplicates);
        assertFalse(seen.isEmpty(), file + ": no concepts");
    }

    @ParameterizedTest
    @MethodSource("codeSystemFiles")
    void everyConceptOfEveryCodeSystemHasDisplayDefinitionAndSource(String file) {
        for (ConceptDefinitionComponent c : FhirResources.allConcepts(load(file))) {
            String where = file + " " + c.getCode();
            assertFalse(c.getDisplay() == null || c.getDisplay().isBlank(), where + ": display");
            assertFalse(c.getDefinition() == null || c.getDefinition().isBlank(), where + ": definition");
            String source = FhirResources.property(c, "source")
                    .map(p -> p.getValue() instanceof StringType st ? st.getValue() : null)
                    .orElse(null);
            assertFalse(source == null || source.isBlank(), where + ": source property");
        }
    }

    @ParameterizedTest
    @MethodSource("codeSystemFiles")
    void everyPropertyUsedInEachCodeSystemIsDeclared(String file) {
        CodeSystem c = load(file);
        Set<String> declared = c.getProperty().stream().map(CodeSystem.PropertyComponent::getCode)
                .collect(Collectors.toSet());
        for (ConceptDefinitionComponent concept : FhirResources.allConcepts(c)) {
            concept.getProperty().forEach(p ->
                    assertTrue(declared.contains(p.getCode()), file + " " + concept.getCode() + ": " + p.getCode()));
        }
    }

    // ---- the intake's CodeSystems ----------------------------------------------------------------------------

    /** A hospital's screening report and a law-enforcement agency's custody notice (issue 15). */
    @Test
    void messageEventHoldsTheScreeningReportAndTheCustodyNotice() {
        CodeSystem events = load(MappingResources.CODE_SYSTEM_MESSAGE_EVENT);
        assertEquals(List.of("screening-report", "custody-notice"), codes(events));
    }

    /** The intake's CustodyNoticeReader reads exactly these values (FhirSystems.CUSTODY_CIRCUMSTANCES). */
    @Test
    void custodyCircumstanceHoldsTheObservationCodeAndTheTwoCircumstances() {
        assertEquals(List.of("custody-circumstance", "commercial-sexual-exploitation", "identified-trafficking-victim"),
                codes(load(MappingResources.CODE_SYSTEM_CUSTODY_CIRCUMSTANCE)));
    }

    /** The routes' Java code uses exactly these strings in Task.businessStatus. */
    @Test
    void deliveryStatusHoldsExactlyTheAgreedCodes() {
        assertEquals(List.of("received", "queued", "on-hold", "not-sent", "delivered", "acknowledged", "screened-in",
                        "screened-out", "investigation-opened", "rejected", "failed", "not-reportable"),
                codes(load(MappingResources.CODE_SYSTEM_DELIVERY_STATUS)));
    }

    /** A waiting referral does not discharge the reporter's duty: on-hold tells the hospital to phone the hotline. */
    @Test
    void onHoldAndNotReportableSayWhatTheHospitalMustKnow() {
        CodeSystem status = load(MappingResources.CODE_SYSTEM_DELIVERY_STATUS);
        String onHold = FhirResources.find(status, "on-hold").orElseThrow().getDefinition();
        assertTrue(onHold.contains("no bundle") && onHold.contains("hotline"), onHold);
        String notReportable = FhirResources.find(status, "not-reportable").orElseThrow().getDefinition();
        assertTrue(notReportable.contains("ruled out") && notReportable.contains("history")
                && notReportable.contains("sent nothing"), notReportable);
        String notSent = FhirResources.find(status, "not-sent").orElseThrow().getDefinition();
        assertTrue(notSent.contains("risk signal") && notSent.contains("not a report") && notSent.contains("no clock"), notSent);
    }

    @Test
    void screeningHoldsThreeInstrumentsAndTheirResults() {
        CodeSystem screening = load(MappingResources.CODE_SYSTEM_SCREENING);
        Map<String, String> instrumentOf = new LinkedHashMap<>();
        List<String> instruments = new ArrayList<>();
        for (ConceptDefinitionComponent c : screening.getConcept()) {
            assertTrue(c.getConcept().isEmpty(), c.getCode() + ": the CodeSystem is flat");
            FhirResources.property(c, "instrument").ifPresentOrElse(
                    p -> instrumentOf.put(c.getCode(), p.getValue().primitiveValue()),
                    () -> instruments.add(c.getCode()));
        }
        assertEquals(List.of("sscst", "cse-it", "fl-htst"), instruments);
        assertEquals(Map.of(
                "sscst-positive", "sscst",
                "sscst-negative", "sscst",
                "cse-it-no-concern", "cse-it",
                "cse-it-possible-concern", "cse-it",
                "cse-it-clear-concern", "cse-it",
                "fl-htst-sex-trafficking-indicated", "fl-htst",
                "fl-htst-labor-trafficking-indicated", "fl-htst",
                "fl-htst-not-indicated", "fl-htst"), instrumentOf);
    }

    /** The Florida HTST's items and categories are not in the project's sources: every fl-htst concept says so. */
    @Test
    void floridaHtstConceptsAreMarkedUnconfirmedAndCiteTheStatute() {
        CodeSystem screening = load(MappingResources.CODE_SYSTEM_SCREENING);
        List<ConceptDefinitionComponent> florida = screening.getConcept().stream()
                .filter(c -> c.getCode().startsWith("fl-htst")).toList();
        assertEquals(4, florida.size());
        for (ConceptDefinitionComponent c : florida) {
            assertTrue(c.getDefinition().contains("Unconfirmed"), c.getCode());
            assertTrue(FhirResources.property(c, "source").orElseThrow().getValue().primitiveValue().contains("409.1754"),
                    c.getCode());
        }
    }

    private static List<String> codes(CodeSystem c) {
        return FhirResources.allConcepts(c).stream().map(ConceptDefinitionComponent::getCode).toList();
    }

    @Test
    void everyPropertyUsedIsDeclared() {
        Set<String> declared = cs.getProperty().stream().map(CodeSystem.PropertyComponent::getCode)
                .collect(Collectors.toSet());
        for (ConceptDefinitionComponent c : FhirResources.allConcepts(cs)) {
            c.getProperty().forEach(p -> assertTrue(declared.contains(p.getCode()), c.getCode() + ": " + p.getCode()));
        }
    }
}
