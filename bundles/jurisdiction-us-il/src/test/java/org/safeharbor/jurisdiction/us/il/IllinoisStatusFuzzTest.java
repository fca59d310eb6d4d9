package org.safeharbor.jurisdiction.us.il;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.us.il.wire.IntakeAcknowledgement;
import org.safeharbor.jurisdiction.us.il.wire.StatusNotification;

/**
 * Coverage-guided fuzzing (Jazzer) of what the State Central Register sends the adapter: the status notification
 * of {@code NotifyStatus} and the acknowledgement of {@code SubmitReport}, read by {@link IntakeXml} against the
 * bundle's schema as the status service and the delivery route read them.
 *
 * <p>For every input: either a valid message, turned into a status update, or an {@link IllegalArgumentException}
 * that names the schema rule and quotes nothing of the message (the seeds' free text and numbers begin with
 * {@value #MARKER}). Anything else would be a 500 to the state, or a delivery failing for a reason nobody can read.
 * The seeds, and every finding, are in {@code src/test/resources/org/safeharbor/jurisdiction/us/il/IllinoisStatusFuzzTestInputs/}.
 */
class IllinoisStatusFuzzTest {

    static final String MARKER = "Zqxj";

    @FuzzTest(maxDuration = "5m")
    void statusNotification(byte[] body) {
        StatusNotification notification;
        try {
            notification = IntakeXml.read(new String(body, StandardCharsets.UTF_8), StatusNotification.class);
        } catch (IllegalArgumentException refused) {
            assertFalse(String.valueOf(refused.getMessage()).contains(MARKER), "the refusal quotes the message: " + refused.getMessage());
            return;
        }
        StatusUpdate update = IllinoisStatusRoute.toUpdate(notification);
        assertEquals(notification.getReferralId(), update.referralId().value());
    }

    @FuzzTest(maxDuration = "5m")
    void acknowledgement(byte[] body) {
        try {
            IntakeAcknowledgement ack = IntakeXml.read(new String(body, StandardCharsets.UTF_8), IntakeAcknowledgement.class);
            IntakeXml.instant(ack.getReceivedAt());
        } catch (IllegalArgumentException refused) {
            assertFalse(String.valueOf(refused.getMessage()).contains(MARKER), "the refusal quotes the message: " + refused.getMessage());
        }
    }
}
