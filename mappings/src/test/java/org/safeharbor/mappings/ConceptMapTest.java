package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.OtherElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConceptMapTest {

    private static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
    private static final String CERTAINTY = MappingResources.CODE_SYSTEM_URL + "#certainty";

    private static final CodeSystem CS = FhirResources.codeSystem();
    private static final ConceptMap ALLEGATIONS = FhirResources.allegationMap();
    private static final ConceptMap PERPETRATORS = FhirResources.perpetratorMap();
    private static final ConceptMap SNOMED = FhirResources.parse(ConceptMap.class,
            MappingResources.CONCEPT_MAP_SNOMED_TO_HT_ALLEGATION);
    private static final ConceptMap SCREENING = FhirResources.parse(ConceptMap.class,
            MappingResources.CONCEPT_MAP_SCREENING_TO_HT_ALLEGATION);
    private static final CodeSystem SCREENING_CS = FhirResources.parse(CodeSystem.class,
            MappingResources.CODE_SYSTEM_SCREENING);

    // ---- every map -------------------------------------------------------------------------------------------

    static Stream<ConceptMap> maps() {
        return Stream.of(ALLEGATIONS, PERPETRATORS);
    }

    /**
     * Every health-code ConceptMap the module ships (those INTO the shared code), found through
     * MappingResources so that a new one is not forgotten. The maps from the shared code to each
     * jurisdiction are checked in {@link StateConceptMapTest}.
     */
    static Stream<ConceptMap> allMaps() {
        return FhirResources.filesOfType("ConceptMap").stream().map(f -> FhirResources.parse(ConceptMap.class, f))
                .filter(m -> !MappingResources.CODE_SYSTEM_URL.equals(m.getGroupFirstRep().getSource()));
    }

    @Test
    void allMapsAreTheFourKnownOnes() {
        assertEquals(Set.of("icd10cm-to-ht-allegation", "icd10cm-y07-to-perpetrator", "snomed-to-ht-allegation",
                        "screening-to-ht-allegation"),
                allMaps().map(m -> m.getIdElement().getIdPart()).collect(Collectors.toSet()));
    }

    static Stream<Arguments> sourceSystems() {
        return Stream.of(
                arguments(SNOMED, "http://snomed.info/sct"),
                arguments(SCREENING, MappingResources.SCREENING_URL));
    }

    @ParameterizedTest
    @MethodSource("sourceSystems")
    void newMapsGoFromTheirSourceToOurCodeSystem(ConceptMap map, String source) {
        assertEquals(1, map.getGroup().size(), map.getId());
        assertEquals(source, map.getGroupFirstRep().getSource(), map.getId());
        assertEquals(MappingResources.CODE_SYSTEM_URL, map.getGroupFirstRep().getTarget(), map.getId());
    }

    @ParameterizedTest
    @MethodSource("maps")
    void mapsFromIcd10cmToOurCodeSystem(ConceptMap map) {
        assertEquals(1, map.getGroup().size(), map.getId());
        ConceptMapGroupComponent group = map.getGroupFirstRep();
        assertEquals(ICD10CM, group.getSource());
        assertEquals(MappingResources.CODE_SYSTEM_URL, group.getTarget());
    }

    @ParameterizedTest
    @MethodSource("allMaps")
    void everyTargetAndProductCodeExistsAndIsSelectable(ConceptMap map) {
        List<String> certainties = FhirResources.childCodes(CS, "certainty");
        for (SourceElementComponent element : map.getGroupFirstRep().getElement()) {
            for (TargetElementComponent target : element.getTarget()) {
                String where = map.getId() + " " + element.getCode();
                assertFalse(target.getComment() == null || target.getComment().isBlank(), where + ": comment");
                if (target.getEquivalence() == ConceptMapEquivalence.UNMATCHED) {
                    assertFalse(target.hasCode(), where + ": an unmatched target names no code");
                    continue;
                }
                var concept = FhirResources.find(CS, target.getCode());
                assertTrue(concept.isPresent(), where + ": unknown target " + target.getCode());
                assertFalse(FhirResources.isAbstract(concept.get()), where + ": target is a grouper");
                for (OtherElementComponent product : target.getProduct()) {
                    assertEquals(CERTAINTY, product.getProperty(), where);
                    assertEquals(MappingResources.CODE_SYSTEM_URL, product.getSystem(), where);
                    assertTrue(certainties.contains(product.getValue()), where + ": certainty " + product.getValue());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("allMaps")
    void noSourceCodeIsListedTwice(ConceptMap map) {
        List<String> codes = map.getGroupFirstRep().getElement().stream().map(SourceElementComponent::getCode).toList();
        assertEquals(codes.size(), Set.copyOf(codes).size(), map.getId() + ": " + codes);
    }

    // ---- ICD-10-CM T74/T76/Z -> type + certainty -------------------------------------------------------------

    /** The four child stems, with the type and the certainty of their A and D codes. */
    private static final String[][] CHILD_STEMS = {
        {"T74.52", "sex-trafficking", "confirmed"},
        {"T76.52", "sex-trafficking", "suspected"},
        {"T74.62", "labor-trafficking", "confirmed"},
        {"T76.62", "labor-trafficking", "suspected"},
    };

    /** code -> the expected set of "type certainty" pairs. */
    static Stream<Arguments> expectedAllegationMappings() {
        List<Arguments> rows = new ArrayList<>();
        for (String[] stem : CHILD_STEMS) {
            rows.add(arguments(stem[0] + "XA", Set.of(stem[1] + " " + stem[2])));
            rows.add(arguments(stem[0] + "XD", Set.of(stem[1] + " " + stem[2])));
            // sequela: the late effect of past exploitation, history only
            rows.add(arguments(stem[0] + "XS", Set.of(stem[1] + " historical")));
        }
        rows.add(arguments("Z04.81", Set.of("sex-trafficking ruled-out")));
        rows.add(arguments("Z04.82", Set.of("labor-trafficking ruled-out")));
        rows.add(arguments("Z62.813", Set.of("sex-trafficking historical", "labor-trafficking historical")));
        rows.add(arguments("Z91.42", Set.of("sex-trafficking historical", "labor-trafficking historical")));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("expectedAllegationMappings")
    void icd10cmCodeMapsToTypeAndCertainty(String code, Set<String> expected) {
        SourceElementComponent element = element(ALLEGATIONS, code);
        Set<String> actual = element.getTarget().stream()
                .map(t -> {
                    assertEquals(1, t.getProduct().size(), code + ": exactly one certainty per target");
                    return t.getCode() + " " + t.getProductFirstRep().getValue();
                })
                .collect(Collectors.toSet());
        assertEquals(expected, actual, code);
    }

    /** Safety net over the whole map: nothing but T74/T76 A and D codes may ever become an allegation. */
    @Test
    void onlyCurrentChildCodesBecomeAllegations() {
        for (SourceElementComponent element : ALLEGATIONS.getGroupFirstRep().getElement()) {
            String code = element.getCode();
            boolean current = code.matches("T7[46]\\.[56]2X[AD]");
            for (TargetElementComponent target : element.getTarget()) {
                for (OtherElementComponent product : target.getProduct()) {
                    boolean allegation = Set.of("suspected", "confirmed").contains(product.getValue());
                    assertEquals(current, allegation, code + " -> " + product.getValue());
                }
            }
        }
    }

    @Test
    void adultCodesAreUnmatchedForReview() {
        for (String stem : List.of("T74.51", "T76.51", "T74.61", "T76.61")) {
            for (String seventh : List.of("A", "D", "S")) {
                SourceElementComponent element = element(ALLEGATIONS, stem + "X" + seventh);
                assertEquals(1, element.getTarget().size());
                TargetElementComponent target = element.getTargetFirstRep();
                assertEquals(ConceptMapEquivalence.UNMATCHED, target.getEquivalence(), element.getCode());
                assertTrue(target.getComment().contains("this adapter handles minors"),
                        target.getComment());
            }
        }
        // 4 child stems x 3 + 4 Z codes + 4 adult stems x 3
        assertEquals(28, ALLEGATIONS.getGroupFirstRep().getElement().size());
    }

    // ---- ICD-10-CM Y07 -> perpetrator ------------------------------------------------------------------------

    /** Every Y07 code and the one perpetrator concept it maps to. */
    static final Map<String, String> Y07 = new LinkedHashMap<>();

    static {
        // spouse or partner: FY2019 codes (until 2023-03-31) and their April 2023 current/former split
        for (String spouse : List.of("Y07.01", "Y07.02", "Y07.010", "Y07.011", "Y07.020", "Y07.021")) {
            Y07.put(spouse, "other-family-member");
        }
        for (String partner : List.of("Y07.03", "Y07.04", "Y07.030", "Y07.031", "Y07.040", "Y07.041",
                "Y07.050", "Y07.051")) {
            Y07.put(partner, "non-family");
        }
        for (String parent : List.of("Y07.11", "Y07.12", "Y07.13", "Y07.14")) {
            Y07.put(parent, "parent");
        }
        // Y07.433 is the stepmother, Y07.434 the parent's female friend (ICD-10-CM tabular)
        for (String step : List.of("Y07.420", "Y07.421", "Y07.430", "Y07.433")) {
            Y07.put(step, "step-or-foster-parent");
        }
        for (String family : List.of("Y07.410", "Y07.411", "Y07.435", "Y07.436", "Y07.44", "Y07.45", "Y07.46",
                "Y07.47", "Y07.490", "Y07.491", "Y07.499")) {
            Y07.put(family, "other-family-member");
        }
        for (String caregiver : List.of("Y07.432", "Y07.434", "Y07.510", "Y07.511", "Y07.519", "Y07.521",
                "Y07.528", "Y07.529", "Y07.53")) {
            Y07.put(caregiver, "other-caregiver");
        }
        for (String nonFamily : List.of("Y07.50", "Y07.512", "Y07.513", "Y07.54", "Y07.59")) {
            Y07.put(nonFamily, "non-family");
        }
        Y07.put("Y07.6", "multiple");
        Y07.put("Y07.9", "unknown");
    }

    static Stream<Arguments> y07Codes() {
        return Y07.entrySet().stream().map(e -> arguments(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("y07Codes")
    void y07CodeMapsToExactlyOnePerpetrator(String code, String perpetrator) {
        SourceElementComponent element = element(PERPETRATORS, code);
        assertEquals(1, element.getTarget().size(), code + ": exactly one target");
        assertEquals(perpetrator, element.getTargetFirstRep().getCode(), code);
        assertTrue(FhirResources.childCodes(CS, "perpetrator").contains(perpetrator));
    }

    @Test
    void perpetratorMapHoldsNoOtherCodes() {
        Set<String> mapped = PERPETRATORS.getGroupFirstRep().getElement().stream()
                .map(SourceElementComponent::getCode).collect(Collectors.toSet());
        assertEquals(Y07.keySet(), mapped);
    }

    // ---- SNOMED CT and screening results -> type + certainty --------------------------------------------------

    /** code -> expected "type certainty equivalence", or "unmatched". */
    static Stream<Arguments> expectedSnomedAndScreeningMappings() {
        return Stream.of(
                arguments(SNOMED, "919461000000108", "sex-trafficking at-risk inexact"),
                arguments(SNOMED, "734998001", "sex-trafficking suspected inexact"),
                arguments(SNOMED, "225826001", "unmatched"),
                arguments(SNOMED, "397940009", "unmatched"),
                arguments(SCREENING, "sscst-positive", "sex-trafficking at-risk inexact"),
                arguments(SCREENING, "sscst-negative", "unmatched"),
                arguments(SCREENING, "cse-it-no-concern", "unmatched"),
                arguments(SCREENING, "cse-it-possible-concern", "sex-trafficking at-risk inexact"),
                arguments(SCREENING, "cse-it-clear-concern", "sex-trafficking at-risk inexact"),
                arguments(SCREENING, "fl-htst-sex-trafficking-indicated", "sex-trafficking at-risk inexact"),
                arguments(SCREENING, "fl-htst-labor-trafficking-indicated", "labor-trafficking at-risk inexact"),
                arguments(SCREENING, "fl-htst-not-indicated", "unmatched"));
    }

    @ParameterizedTest(name = "{1} -> {2}")
    @MethodSource("expectedSnomedAndScreeningMappings")
    void snomedAndScreeningCodesMapToTypeAndCertainty(ConceptMap map, String code, String expected) {
        SourceElementComponent element = element(map, code);
        assertEquals(1, element.getTarget().size(), code + ": exactly one target");
        TargetElementComponent target = element.getTargetFirstRep();
        if (target.getEquivalence() == ConceptMapEquivalence.UNMATCHED) {
            assertEquals(expected, "unmatched", code);
            assertTrue(target.getProduct().isEmpty(), code + ": an unmatched row carries no certainty");
        } else {
            assertEquals(1, target.getProduct().size(), code + ": exactly one certainty");
            assertEquals(expected, target.getCode() + " " + target.getProductFirstRep().getValue() + " "
                    + target.getEquivalence().toCode(), code);
        }
    }

    @Test
    void snomedAndScreeningMapsHoldNoOtherCodes() {
        for (ConceptMap map : List.of(SNOMED, SCREENING)) {
            Set<String> expected = expectedSnomedAndScreeningMappings().map(Arguments::get)
                    .filter(row -> row[0] == map).map(row -> (String) row[1]).collect(Collectors.toSet());
            Set<String> mapped = map.getGroupFirstRep().getElement().stream()
                    .map(SourceElementComponent::getCode).collect(Collectors.toSet());
            assertEquals(expected, mapped, map.getId());
        }
    }

    /** A risk signal is not an allegation (IOM/NRC 2013): no screening result may become suspected or confirmed. */
    @Test
    void noScreeningResultEverMapsToAnAllegation() {
        for (SourceElementComponent element : SCREENING.getGroupFirstRep().getElement()) {
            for (TargetElementComponent target : element.getTarget()) {
                for (OtherElementComponent product : target.getProduct()) {
                    assertFalse(Set.of("suspected", "confirmed").contains(product.getValue()),
                            element.getCode() + " -> " + product.getValue());
                    assertEquals("at-risk", product.getValue(), element.getCode());
                }
            }
        }
    }

    /** Every result of the screening CodeSystem is mapped, and nothing else: the instruments are not results. */
    @Test
    void screeningMapCoversExactlyTheResultsOfTheScreeningCodeSystem() {
        Set<String> results = SCREENING_CS.getConcept().stream()
                .filter(c -> FhirResources.property(c, "instrument").isPresent())
                .map(CodeSystem.ConceptDefinitionComponent::getCode).collect(Collectors.toSet());
        Set<String> mapped = SCREENING.getGroupFirstRep().getElement().stream()
                .map(SourceElementComponent::getCode).collect(Collectors.toSet());
        assertEquals(results, mapped);
        assertFalse(mapped.contains("sscst") || mapped.contains("cse-it") || mapped.contains("fl-htst"), "instruments are not results");
    }

    /** docs/domain.md marks 734998001 unconfirmed: its row must say so and must not claim equivalence. */
    @Test
    void theUnconfirmedSnomedCodeIsMarkedAsConfiguration() {
        TargetElementComponent target = element(SNOMED, "734998001").getTargetFirstRep();
        assertTrue(target.getComment().contains("UNCONFIRMED") && target.getComment().contains("configuration"),
                target.getComment());
        assertTrue(target.getComment().contains("verificationStatus"), "the intake's certainty rule is stated");
        assertEquals(ConceptMapEquivalence.INEXACT, target.getEquivalence());
    }

    /** A sexual-abuse or child-abuse finding alone is not trafficking: those rows say why they are unmatched. */
    @Test
    void abuseFindingsAreNotTrafficking() {
        for (String code : List.of("225826001", "397940009")) {
            TargetElementComponent target = element(SNOMED, code).getTargetFirstRep();
            assertEquals(ConceptMapEquivalence.UNMATCHED, target.getEquivalence(), code);
            assertTrue(target.getComment().contains("not a trafficking allegation")
                    && target.getComment().contains("child-abuse report"), code + ": " + target.getComment());
        }
    }

    private static SourceElementComponent element(ConceptMap map, String code) {
        List<SourceElementComponent> found = map.getGroupFirstRep().getElement().stream()
                .filter(e -> code.equals(e.getCode())).toList();
        assertEquals(1, found.size(), map.getId() + ": " + code + " listed once");
        return found.get(0);
    }
}
