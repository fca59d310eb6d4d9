package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.safeharbor.api.v1.StatusUpdate;

/**
 * Coverage-guided fuzzing (Jazzer) of the state's acknowledgement and status files as the adapter reads them from
 * the SFTP outbox ({@link FloridaFormat#statuses}, Camel Bindy's fixed-width layout of {@code StatusRecord}).
 *
 * <p>For every input: status updates, or an {@link IllegalArgumentException} (the file stays on the server and
 * nothing of it is reported). Anything else would fail the status route with an error no one planned for. The
 * seeds, and every finding, are in {@code src/test/resources/org/safeharbor/jurisdiction/us/fl/StatusFileFuzzTestInputs/}.
 */
class StatusFileFuzzTest {

    private static final FloridaFormat FORMAT = new FloridaFormat(FloridaCategories.PLACEHOLDERS);

    @AfterAll
    static void close() {
        FORMAT.close();
    }

    @FuzzTest(maxDuration = "5m")
    void statusFile(byte[] body) {
        try {
            for (StatusUpdate update : FORMAT.statuses(new String(body, StandardCharsets.UTF_8))) {
                assertNotNull(update.at());
            }
        } catch (IllegalArgumentException refused) {
            // the file is refused as a whole
        }
    }
}
