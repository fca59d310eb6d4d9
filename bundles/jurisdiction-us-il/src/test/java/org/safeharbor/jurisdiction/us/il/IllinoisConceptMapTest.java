package org.safeharbor.jurisdiction.us.il;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
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
 * The published ConceptMap ({@code src/main/resources/fhir/ConceptMap-ht-allegation-to-us-il.json}) and the bundle's Java
 * mapping say the same thing, row by row (the kit's {@link ConceptMapAgreementTest}); and every type row cites
 * Appendix B and names the code as {@link IllinoisAllegationCode} does.
 */
class IllinoisConceptMapTest extends ConceptMapAgreementTest {

    @Override
    protected StateMapping mapping() {
        Path map = Path.of(System.getProperty("basedir", ".")).resolve("src/main/resources/fhir/ConceptMap-ht-allegation-to-us-il.json");
        Set<String> codes = Arrays.stream(IllinoisAllegationCode.values()).map(IllinoisAllegationCode::code).collect(Collectors.toSet());
        return new StateMapping(map, IllinoisAllegationCode.SYSTEM, codes, IllinoisAdapter.US_IL, new IllinoisFormat());
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
                assertEquals(IllinoisAllegationCode.fromCode(target.path("code").asText()).display(), target.path("display").asText(), where);
            }
        }
    }
}
