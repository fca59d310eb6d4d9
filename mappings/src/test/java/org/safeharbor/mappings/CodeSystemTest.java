package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

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
        assertEquals(List.of("prostitution", "survival-sex", "pornography", "sex-tourism-marriage", "sexual-venue"),
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

    @Test
    void everyPropertyUsedIsDeclared() {
        Set<String> declared = cs.getProperty().stream().map(CodeSystem.PropertyComponent::getCode)
                .collect(Collectors.toSet());
        for (ConceptDefinitionComponent c : FhirResources.allConcepts(cs)) {
            c.getProperty().forEach(p -> assertTrue(declared.contains(p.getCode()), c.getCode() + ": " + p.getCode()));
        }
    }
}
