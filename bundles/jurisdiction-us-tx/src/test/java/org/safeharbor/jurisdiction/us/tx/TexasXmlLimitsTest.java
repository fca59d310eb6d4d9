package org.safeharbor.jurisdiction.us.tx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.safeharbor.jurisdiction.support.v1.SchemaXml.InvalidDocumentException;
import org.safeharbor.jurisdiction.us.tx.wire.ReferralStatusReportType;

/** What TexasXml refuses before the schema looks, and that its refusals quote nothing of the document. */
class TexasXmlLimitsTest {

    @Test
    void nestingDeeperThanTheLimitIsRefusedNamingNothingOfTheDocument() {
        String deep = "<x>".repeat(TexasXml.MAX_DEPTH + 1) + "Zqxj" + "</x>".repeat(TexasXml.MAX_DEPTH + 1);
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class, () -> TexasXml.read(deep, ReferralStatusReportType.class));
        assertTrue(e.getMessage().startsWith("not well-formed XML"), e.getMessage());
        // the JDK's message names the element ("The element \"x\" has a depth of ..."): not passed on
        assertFalse(e.getMessage().contains("JAXP") || e.getMessage().contains("\"x\""), e.getMessage());
    }

    @Test
    void aSchemaViolationNamesTheRuleNotTheValue() {
        String report = "<ext:ReferralStatusReport xmlns:ext=\"https://safeharbor-bridge.org/iepd/us-tx/extension/1.0/\""
                + " xmlns:nc=\"http://release.niem.gov/niem/niem-core/5.0/\"><ext:ReferralIdentification><nc:IdentificationID>r-1"
                + "</nc:IdentificationID></ext:ReferralIdentification><ext:ReceivingAgencyCode>Zqxj</ext:ReceivingAgencyCode>"
                + "</ext:ReferralStatusReport>";
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class, () -> TexasXml.read(report, ReferralStatusReportType.class));
        assertTrue(e.getMessage().contains("cvc-"), e.getMessage());
        assertFalse(e.getMessage().contains("Zqxj"), e.getMessage());
    }
}
