package org.safeharbor.jurisdiction.us.il;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.jurisdiction.us.il.wire.IntakeAllegationType;
import org.safeharbor.jurisdiction.us.il.wire.IntakeReport;
import org.safeharbor.tck.ConceptMapAgreementTest;

/**
 * The published ConceptMap ({@code src/main/resources/fhir/ConceptMap-ht-allegation-to-us-il.json}), which the format
 * applies, is complete and is what goes on the wire (the kit's {@link ConceptMapAgreementTest}); and every type row cites
 * Appendix B and names its code as Appendix B does.
 */
class IllinoisConceptMapTest extends ConceptMapAgreementTest {

    /** The map's target system: the public Appendix B codes, as the project names them (no official URL exists). */
    private static final String SYSTEM = "https://fhir.safeharbor-bridge.org/CodeSystem/us-il-allegation";
    /** 89 Ill. Adm. Code 300 App. B: human trafficking of children is the abuse/neglect pair 40/90. */
    private static final Map<String, String> APPENDIX_B = Map.of("40", "Human Trafficking of Children (abuse)",
            "90", "Human Trafficking of Children: blatant disregard (neglect)");

    @Override
    protected StateMapping mapping() {
        Path map = Path.of(System.getProperty("basedir", ".")).resolve("src/main/resources/" + IllinoisFormat.CONCEPT_MAP);
        return new StateMapping(map, SYSTEM, APPENDIX_B.keySet(), IllinoisAdapter.US_IL, new IllinoisFormat());
    }

    @Override
    protected Set<String> codesWritten(String payload) {
        return IntakeXml.read(payload, IntakeReport.class).getAllegation().stream().map(IntakeAllegationType::getCode)
                .collect(Collectors.toSet());
    }

    /** Illinois codes by the role its format writes: the stated role, as Illinois reads the perpetrator. */
    @Override
    protected CaregiverRole roleAsMapped(PerpetratorRelation perpetrator, CaregiverRole stated) {
        return CaregiverRole.of(IllinoisFormat.caregiverStatus(perpetrator), stated);
    }

    @Test
    void everyTypeRowCitesAppendixBAndNamesTheCodeAsIllinoisDoes() {
        Set<String> types = Arrays.stream(AllegationType.values()).map(AllegationType::code).collect(Collectors.toSet());
        for (JsonNode element : map().path("group").get(0).path("element")) {
            if (!types.contains(element.path("code").asText())) {
                continue;
            }
            for (JsonNode target : element.path("target")) {
                String where = element.path("code").asText() + " -> " + target.path("code").asText();
                assertTrue(target.path("comment").asText().contains("89 Ill. Adm. Code 300"), where + ": cites its source");
                assertEquals(APPENDIX_B.get(target.path("code").asText()), target.path("display").asText(), where);
            }
        }
    }
}
