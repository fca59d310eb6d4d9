package org.safeharbor.jurisdiction.us.ma;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.jurisdiction.support.v1.StatusCallers;

/**
 * Coverage-guided fuzzing (Jazzer) of what DCF sends the adapter: a status POSTed to {@code /jurisdictions/us-ma/status}
 * ({@link StatusReceiver#parse}: the JSON Schema, then the strict DTO) and DCF's answer to a 51A report (read as the
 * delivery route reads it: {@link ReportDelivery#intakeNumber}).
 *
 * <p>For every input: a status update, or an {@link IllegalArgumentException} whose message quotes nothing of the
 * body (the seeds' free text begins with {@value #MARKER}); DCF's answer is read or is an {@link IOException}.
 * Anything else would be a 500 to DCF or a delivery failing for a reason nobody can read. The seeds, and every
 * finding, are in {@code src/test/resources/org/safeharbor/jurisdiction/us/ma/StatusReceiverFuzzTestInputs/}.
 */
class StatusReceiverFuzzTest {

    static final String MARKER = "Zqxj";
    private static final StatusReceiver RECEIVER = new StatusReceiver(Jurisdiction.of("US-MA"), new RecordingReporter(),
            new StatusCallers("t0ken", ""), StatusCallers.DEFAULT_MAX_BODY_BYTES, update -> { });

    @FuzzTest(maxDuration = "5m")
    void status(byte[] body) {
        try {
            assertNotNull(RECEIVER.parse(new String(body, StandardCharsets.UTF_8)).at());
        } catch (IllegalArgumentException refused) {
            assertFalse(String.valueOf(refused.getMessage()).contains(MARKER), "the refusal quotes the body: " + refused.getMessage());
        }
    }

    @FuzzTest(maxDuration = "5m")
    void intakeAnswer(byte[] body) {
        try {
            ReportDelivery.intakeNumber(new String(body, StandardCharsets.UTF_8));
        } catch (IOException refused) {
            // what the delivery route logs: the exception's class, never its message
        }
    }
}
