package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.junit.jupiter.api.Test;

/**
 * ConceptMap/ht-allegation-to-ncands against the CodeSystems on both sides: the shared code and the delivery status
 * (sources), the NCANDS Child File's maltreatment types and disposition levels (targets, the codebook's values as
 * docs/domain.md gives them). Every source concept is said something of, once; nothing maps to a code NCANDS lacks.
 */
class NcandsConceptMapTest {

    private static final ConceptMap MAP = FhirResources.parse(ConceptMap.class, MappingResources.CONCEPT_MAP_HT_ALLEGATION_TO_NCANDS);
    private static final CodeSystem SHARED = FhirResources.codeSystem();
    private static final CodeSystem STATUS = FhirResources.parse(CodeSystem.class, MappingResources.CODE_SYSTEM_DELIVERY_STATUS);
    private static final CodeSystem TYPE = FhirResources.parse(CodeSystem.class, MappingResources.CODE_SYSTEM_NCANDS_MALTREATMENT_TYPE);
    private static final CodeSystem LEVEL = FhirResources.parse(CodeSystem.class, MappingResources.CODE_SYSTEM_NCANDS_MALTREATMENT_LEVEL);

    @Test
    void theNcandsCodeSystemsHoldTheCodebooksValues() throws java.io.IOException {
        // docs/domain.md, NCANDS: types 1..9 (7 sex trafficking, 8 other); dispositions 1..8, 88 other, 99 unknown
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9"), codes(TYPE));
        assertEquals("Sex trafficking", FhirResources.find(TYPE, "7").orElseThrow().getDisplay());
        assertEquals("Other", FhirResources.find(TYPE, "8").orElseThrow().getDisplay());
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "88", "99"), codes(LEVEL));
        assertEquals("Unknown", FhirResources.find(LEVEL, "99").orElseThrow().getDisplay());
        String domain = java.nio.file.Files.readString(RepositoryText.root().resolve("docs/domain.md"));
        assertTrue(domain.contains("**7 sex trafficking**, 8 other") && domain.contains("88 other, 99 unknown"),
                "docs/domain.md's NCANDS section gives the codes the CodeSystems hold");
    }

    @Test
    void twoGroupsFromTheSharedCodeAndTheDeliveryStatusToNcands() {
        assertEquals(2, MAP.getGroup().size());
        assertEquals(MappingResources.CODE_SYSTEM_URL, MAP.getGroup().get(0).getSource());
        assertEquals(MappingResources.NCANDS_MALTREATMENT_TYPE_URL, MAP.getGroup().get(0).getTarget());
        assertEquals(MappingResources.DELIVERY_STATUS_URL, MAP.getGroup().get(1).getSource());
        assertEquals(MappingResources.NCANDS_MALTREATMENT_LEVEL_URL, MAP.getGroup().get(1).getTarget());
    }

    @Test
    void sexTraffickingAndEveryFormIsSevenLaborTraffickingIsEightOther() {
        Map<String, String> rows = rows(MAP.getGroup().get(0));
        Map<String, String> expected = new LinkedHashMap<>();
        for (String type : FhirResources.childCodes(SHARED, "type")) {
            expected.put(type, type.equals("labor-trafficking") ? "8" : "7");
            FhirResources.childCodes(SHARED, type).forEach(form -> expected.put(form, "7"));
        }
        expected.put("at-risk", null);
        expected.put("ruled-out", null);
        expected.put("historical", null);
        assertEquals(expected, rows, "every type and form mapped, the certainties that are no allegation unmatched");
        assertEquals(10, rows.size(), "two types, five CSEC forms, three certainties");
    }

    @Test
    void onlyTheStatusesOfAReportTheStateTookUpHaveADispositionAndItIsUnknown() {
        Map<String, String> rows = rows(MAP.getGroup().get(1));
        assertEquals(codes(STATUS), List.copyOf(rows.keySet()), "every delivery status, in the CodeSystem's order, once");
        rows.forEach((status, level) -> assertEquals(
                status.equals("screened-in") || status.equals("investigation-opened") ? "99" : null, level, status));
    }

    @Test
    void everyRowNamesRealCodesAndCitesItsSource() {
        for (int g = 0; g < 2; g++) {
            ConceptMapGroupComponent group = MAP.getGroup().get(g);
            CodeSystem source = g == 0 ? SHARED : STATUS;
            CodeSystem target = g == 0 ? TYPE : LEVEL;
            for (SourceElementComponent element : group.getElement()) {
                var concept = FhirResources.find(source, element.getCode());
                assertTrue(concept.isPresent(), element.getCode() + ": not in " + source.getUrl());
                assertFalse(FhirResources.isAbstract(concept.get()), element.getCode() + ": a grouper");
                assertEquals(concept.get().getDisplay(), element.getDisplay(), element.getCode());
                assertEquals(1, element.getTarget().size(), element.getCode());
                TargetElementComponent t = element.getTargetFirstRep();
                assertTrue(t.hasComment() && t.getComment().contains("NCANDS"), element.getCode() + ": cites the codebook");
                if (t.getEquivalence() != ConceptMapEquivalence.UNMATCHED) {
                    ConceptDefinitionComponent to = FhirResources.find(target, t.getCode()).orElseThrow(
                            () -> new AssertionError(element.getCode() + " -> " + t.getCode() + ": not an NCANDS value"));
                    assertEquals(to.getDisplay(), t.getDisplay(), element.getCode());
                } else {
                    assertFalse(t.hasCode(), element.getCode() + ": an unmatched row names no target");
                }
            }
        }
    }

    /** Source code to target code (null: unmatched), in the map's order. */
    private static Map<String, String> rows(ConceptMapGroupComponent group) {
        Map<String, String> rows = new LinkedHashMap<>();
        for (SourceElementComponent e : group.getElement()) {
            TargetElementComponent t = e.getTargetFirstRep();
            rows.put(e.getCode(), t.getEquivalence() == ConceptMapEquivalence.UNMATCHED ? null : t.getCode());
        }
        assertEquals(group.getElement().size(), rows.size(), "no source code listed twice");
        return rows;
    }

    private static List<String> codes(CodeSystem cs) {
        return cs.getConcept().stream().map(ConceptDefinitionComponent::getCode).toList();
    }
}
