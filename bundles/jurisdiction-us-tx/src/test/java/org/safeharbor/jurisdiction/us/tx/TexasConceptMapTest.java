package org.safeharbor.jurisdiction.us.tx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.tck.ConceptMapAgreementTest;

/**
 * The published ConceptMap ({@code src/main/resources/fhir/ConceptMap-ht-allegation-to-us-tx.json}: a group for each of type,
 * perpetrator relation and certainty) and the Java mapping say the same thing, row by row (the kit's
 * {@link ConceptMapAgreementTest}).
 */
class TexasConceptMapTest extends ConceptMapAgreementTest {

    private static final String TX_SYSTEM = "https://fhir.safeharbor-bridge.org/CodeSystem/us-tx-allegation";
    /** The elements of a report that carry a code of the Texas code system. */
    private static final Pattern CODED = Pattern.compile("<\\w+:(?:ExploitationIndustryCode|IntakeRouteCode|StatusText)>([^<]*)</");

    @Override
    protected StateMapping mapping() {
        return new StateMapping(Path.of("src/main/resources/fhir/ConceptMap-ht-allegation-to-us-tx.json"), TX_SYSTEM,
                codeSystemCodes(TexasXml.class, "fhir/CodeSystem-us-tx-allegation.json", TX_SYSTEM), Jurisdiction.of("US-TX"),
                new TexasNiemFormat(Duration.ofHours(24)));
    }

    @Override
    protected Set<String> codesWritten(String payload) {
        Set<String> codes = new HashSet<>();
        Matcher coded = CODED.matcher(payload);
        while (coded.find()) {
            codes.add(coded.group(1));
        }
        return codes;
    }

    @Test
    void saysItIsAReferenceDesign() {
        assertTrue(map().path("description").asText().contains("REFERENCE DESIGN"));
    }
}
