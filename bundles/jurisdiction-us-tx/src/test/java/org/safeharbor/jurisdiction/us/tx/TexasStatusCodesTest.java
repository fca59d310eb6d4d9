package org.safeharbor.jurisdiction.us.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.SchemaXml.InvalidDocumentException;
import org.safeharbor.jurisdiction.us.tx.wire.ReferralStatusReportType;

/**
 * A status report's codes are read as written or refused: the schema (xs:token) lets whitespace surround a code, which
 * JAXB's enums read as nothing. The fuzzer found the status code (a NullPointerException, a 500 to the agency); the
 * agency code would have been read as law enforcement for a report about CPS intake.
 */
class TexasStatusCodesTest {

    private static StatusUpdate read(String seed) throws IOException {
        try (InputStream in = TexasStatusCodesTest.class.getResourceAsStream("TexasMessagesFuzzTestInputs/statusReport/" + seed)) {
            return TexasStatus.update(TexasXml.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), ReferralStatusReportType.class));
        }
    }

    @Test
    void aCodeAsWrittenIsRead() throws IOException {
        StatusUpdate update = read("screened-out.xml");
        assertEquals(DeliveryStatus.SCREENED_OUT, update.status());
        assertTrue(update.reason().startsWith("Texas CPS intake: screened-out"), update.reason());
    }

    @Test
    void aStatusCodeWithWhitespaceIsRefusedNotACrash() {
        InvalidDocumentException refused = assertThrows(InvalidDocumentException.class, () -> read("status-code-with-whitespace.xml"));
        assertTrue(refused.getMessage().contains("ReferralStatusCode"), refused.getMessage());
    }

    @Test
    void anAgencyCodeWithWhitespaceIsRefusedNotReadAsLawEnforcement() {
        assertThrows(InvalidDocumentException.class, () -> read("agency-code-with-whitespace.xml"));
    }
}
