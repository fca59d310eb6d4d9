package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.safeharbor.jurisdiction.us.fl.layout.AllegationRecord;
import org.safeharbor.tck.ConceptMapAgreementTest;

/**
 * src/main/resources/fhir/ConceptMap-ht-allegation-to-us-fl.json and the Java mapping agree, row by row (the kit's
 * {@link ConceptMapAgreementTest}: every row's DCF category is what the format writes, every combination of the shared
 * dimensions has exactly one row); and Florida's own: the map is valid FHIR R4, every row cites docs/domain.md or
 * IOM/NRC, says its code is a placeholder, and the codes are the bundle's CodeSystem's placeholder defaults.
 */
class FloridaConceptMapTest extends ConceptMapAgreementTest {

    static final Path MAP_FILE = Path.of("src", "main", "resources", "fhir", "ConceptMap-ht-allegation-to-us-fl.json");
    static final String FL_SYSTEM = "https://fhir.safeharbor-bridge.org/CodeSystem/us-fl-allegation";
    static final FloridaFormat FORMAT = new FloridaFormat(FloridaCategories.PLACEHOLDERS);

    @AfterAll
    static void close() {
        FORMAT.close();
    }

    @Override
    protected StateMapping mapping() {
        return new StateMapping(MAP_FILE, FL_SYSTEM, codeSystemCodes(FloridaFormat.class, "fhir/CodeSystem-us-fl-allegation.json", FL_SYSTEM),
                FloridaAdapter.FLORIDA, FORMAT);
    }

    @Override
    protected Set<String> codesWritten(String payload) {
        return FORMAT.fixedWidth().readLines(AllegationRecord.class, payload).stream().map(AllegationRecord::getDcfCategory)
                .collect(Collectors.toSet());
    }

    @Override
    protected boolean citesItsSource(String comment) {
        return comment != null && (comment.contains("docs/domain.md") || comment.contains("IOM/NRC"));
    }

    @Test
    void isValidFhirAndSaysItsCodesArePlaceholders() throws IOException {
        IParser parser = FhirContext.forR4().newJsonParser();
        // an unknown element or a wrong value type fails the test instead of being dropped
        parser.setParserErrorHandler(new StrictErrorHandler());
        ConceptMap map = parser.parseResource(ConceptMap.class, Files.readString(MAP_FILE, StandardCharsets.UTF_8));
        assertEquals("ht-allegation-to-us-fl", map.getIdElement().getIdPart());
        assertEquals(1, map.getGroup().size());
        assertTrue(map.getDescription().contains("REFERENCE DESIGN"));
        assertTrue(map.getDescription().contains("UNCONFIRMED"));
        int rows = 0;
        for (ConceptMap.SourceElementComponent element : map.getGroupFirstRep().getElement()) {
            for (TargetElementComponent target : element.getTarget()) {
                rows++;
                if (target.getEquivalence() != ConceptMapEquivalence.UNMATCHED) {
                    assertTrue(target.getComment().contains("PLACEHOLDER"), element.getCode() + " -> " + target.getCode()
                            + ": the code value is unconfirmed, say so");
                }
            }
        }
        assertEquals(94, rows, "6 sexual types x (7 relations x 2 roles + failure to protect) + labor + 3 unmatched");
    }

    @Test
    void targetCodesAreTheCodeSystemsPlaceholderDefaults() {
        FloridaCategories defaults = FloridaCategories.PLACEHOLDERS;
        assertEquals(Set.of(defaults.sexualNonCaregiver(), defaults.sexualCaregiver(), defaults.labor()), mapping().stateCodes());
    }
}
