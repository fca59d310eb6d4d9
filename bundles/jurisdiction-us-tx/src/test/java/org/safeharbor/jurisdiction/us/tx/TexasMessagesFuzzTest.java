package org.safeharbor.jurisdiction.us.tx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.safeharbor.jurisdiction.support.v1.SchemaXml.InvalidDocumentException;
import org.safeharbor.jurisdiction.us.tx.wire.ReferralAcknowledgementType;
import org.safeharbor.jurisdiction.us.tx.wire.ReferralStatusReportType;

/**
 * Coverage-guided fuzzing (Jazzer) of what the Texas agencies send the adapter: a status report POSTed to
 * {@code /jurisdictions/us-tx/status} and the acknowledgement of a report, read by {@link TexasXml} (no DOCTYPE,
 * the bundle's NIEM schema) into what the adapter makes of them.
 *
 * <p>For every input: a message, or an {@link InvalidDocumentException} whose message names the rule and quotes
 * nothing of the document (the seeds' free text and numbers begin with {@value #MARKER}). Anything else (a
 * {@code DateTimeParseException}, a NullPointerException...) would be a 500 to the agency. The seeds, and every
 * finding, are in {@code src/test/resources/org/safeharbor/jurisdiction/us/tx/TexasMessagesFuzzTestInputs/}.
 */
class TexasMessagesFuzzTest {

    static final String MARKER = "Zqxj";

    @FuzzTest(maxDuration = "5m")
    void statusReport(byte[] body) {
        read(body, xml -> TexasStatus.update(TexasXml.read(xml, ReferralStatusReportType.class)).at());
    }

    @FuzzTest(maxDuration = "5m")
    void acknowledgement(byte[] body) {
        read(body, xml -> TexasXml.instant(TexasXml.read(xml, ReferralAcknowledgementType.class).getAcknowledgementDateTime(),
                "AcknowledgementDateTime"));
    }

    /** Reads the document and its time, or is refused without quoting it. */
    private static void read(byte[] body, java.util.function.Function<String, java.time.Instant> reader) {
        try {
            assertNotNull(reader.apply(new String(body, StandardCharsets.UTF_8)));
        } catch (InvalidDocumentException refused) {
            assertFalse(String.valueOf(refused.getMessage()).contains(MARKER), "the refusal quotes the document: " + refused.getMessage());
        }
    }
}
