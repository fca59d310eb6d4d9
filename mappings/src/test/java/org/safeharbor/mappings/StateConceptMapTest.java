package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The maps FROM the shared code to each jurisdiction's codes, which live in the jurisdiction's bundle
 * ({@code src/main/resources/fhir}; the bundle's own tests check its Java mapping against its map row by
 * row, with the conformance kit's ConceptMapAgreementTest). Here: every
 * source code is a real, selectable shared concept, every allegation type is mapped or explicitly
 * unmatched, and every row cites its source.
 */
class StateConceptMapTest {

    private static final CodeSystem CS = FhirResources.codeSystem();
    static Stream<ConceptMap> stateMaps() {
        return FhirResources.stateResources(ConceptMap.class).stream()
                .filter(m -> MappingResources.CODE_SYSTEM_URL.equals(m.getGroupFirstRep().getSource()));
    }

    @Test
    void theSharedCodesMapsToStatesLiveInTheStatesBundles() {
        long packaged = FhirResources.filesOfType("ConceptMap").stream().map(f -> FhirResources.parse(ConceptMap.class, f))
                .filter(m -> MappingResources.CODE_SYSTEM_URL.equals(m.getGroupFirstRep().getSource()))
                // the federal map (NcandsConceptMapTest) is no state's
                .filter(m -> !MappingResources.NCANDS_MALTREATMENT_TYPE_URL.equals(m.getGroupFirstRep().getTarget())).count();
        assertEquals(0, packaged, "a map from the shared code to a state belongs to that state's bundle");
        List<String> states = stateMaps().map(m -> m.getIdElement().getIdPart()).toList();
        assertTrue(states.size() >= 4, "the reference states' bundles each bring their map: " + states);
    }

    @ParameterizedTest
    @MethodSource("stateMaps")
    void everySourceIsASelectableSharedConceptAndEveryRowCitesItsSource(ConceptMap map) {
        for (ConceptMapGroupComponent group : map.getGroup()) {
            assertEquals(MappingResources.CODE_SYSTEM_URL, group.getSource(), map.getId());
            for (SourceElementComponent element : group.getElement()) {
                String where = map.getIdElement().getIdPart() + " " + element.getCode();
                var concept = FhirResources.find(CS, element.getCode());
                assertTrue(concept.isPresent(), where + ": not a shared code");
                assertFalse(FhirResources.isAbstract(concept.get()), where + ": a grouper");
                for (TargetElementComponent target : element.getTarget()) {
                    boolean cited = target.hasComment() && !target.getComment().isBlank();
                    assertTrue(cited || element.getTarget().stream().anyMatch(TargetElementComponent::hasComment), where + ": no source cited");
                    if (target.getEquivalence() != ConceptMapEquivalence.UNMATCHED) {
                        assertTrue(target.hasCode(), where + ": a mapped row names its target code");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("stateMaps")
    void everyAllegationTypeIsMappedOrExplicitlyUnmatched(ConceptMap map) {
        Set<String> sources = new HashSet<>();
        map.getGroup().forEach(g -> g.getElement().forEach(e -> sources.add(e.getCode())));
        for (String type : FhirResources.childCodes(CS, "type")) {
            assertTrue(sources.contains(type), map.getIdElement().getIdPart() + " says nothing of " + type + ": a silent drop");
        }
    }
}
