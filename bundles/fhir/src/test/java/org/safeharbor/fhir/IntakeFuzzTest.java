package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Coverage-guided fuzzing (Jazzer) of the intake's parse-and-map path: {@link BundleParser} then
 * {@link SubmissionReader}, as {@code $process-message} and {@code POST /fhir} run them, on any bytes at all.
 *
 * <p>What must hold for every input: either a submission is read, or it is refused with a 4xx whose message and
 * OperationOutcome quote nothing of the body. Any other exception (a NullPointerException, a
 * {@code DateTimeException}, a StackOverflowError...) would be a 500 at the intake, and fails the test. The seeds
 * ({@code src/test/resources/org/safeharbor/fhir/IntakeFuzzTestInputs/<method>/}) carry personal data that begins
 * with {@value #MARKER}; a refusal that repeats it has echoed the input.
 *
 * <p>In the normal build the seeds run as regression tests; with {@code JAZZER_FUZZ=1} Jazzer fuzzes one method
 * (BENCHMARKS.md, "Fuzzing"). Every finding is kept there as a seed named for what it found.
 */
class IntakeFuzzTest {

    /** How every personal value in the seeds begins (upper case: no FHIR element name does, so none is named back). */
    static final String MARKER = "Zqxj";

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final BundleParser PARSER = new BundleParser(FHIR);
    /** The samples' day, so that the seeds' children are minors whatever day the test runs. */
    private static final SubmissionReader READER = new SubmissionReader(AllegationMaps.load(FHIR),
            Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC));

    @FuzzTest(maxDuration = "5m")
    void jsonSubmission(byte[] body) {
        submit(body, "application/fhir+json");
    }

    @FuzzTest(maxDuration = "5m")
    void xmlSubmission(byte[] body) {
        submit(body, "application/fhir+xml");
    }

    static void submit(byte[] body, String contentType) {
        Bundle bundle;
        try {
            bundle = PARSER.parse(body, contentType);
        } catch (BaseServerResponseException refused) {
            assertRefusedWithoutEcho(refused);
            return;
        }
        for (boolean messageOnly : new boolean[] {true, false}) {
            try {
                READER.read(bundle, messageOnly, body);
            } catch (BaseServerResponseException refused) {
                assertRefusedWithoutEcho(refused);
            }
        }
    }

    static void assertRefusedWithoutEcho(BaseServerResponseException refused) {
        assertTrue(refused.getStatusCode() >= 400 && refused.getStatusCode() < 500, "a refusal is a 4xx: " + refused.getStatusCode());
        assertFalse(String.valueOf(refused.getMessage()).contains(MARKER), "the refusal quotes the input: " + refused.getMessage());
        if (refused.getOperationOutcome() instanceof OperationOutcome outcome) {
            String answered = FHIR.newJsonParser().encodeResourceToString(outcome);
            assertFalse(answered.contains(MARKER), "the OperationOutcome quotes the input: " + answered);
            assertTrue(outcome.hasIssue() && outcome.getIssueFirstRep().hasExpression(), "the refusal names the element: " + answered);
        }
    }
}
