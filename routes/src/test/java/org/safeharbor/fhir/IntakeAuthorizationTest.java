package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.auth.Caller;
import org.safeharbor.auth.Scopes;

/**
 * Each hospital sees only its own referrals, and no one submits or reads without a token that allows it:
 * the attacks of the "trust at the door" issue, over HTTP against the real intake server.
 */
class IntakeAuthorizationTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    static final String A = TestTokens.HOSPITAL_A;
    static final String B = "token-hospital-b";
    static final String READ_ONLY = "token-read-only";
    static final String SUBMIT_ONLY = "token-submit-only";
    static final Pattern TASK = Pattern.compile("Task/([0-9a-f-]{36})");

    static IntakeHarness intake;

    @BeforeAll
    static void start() throws Exception {
        intake = new IntakeHarness(64 * 1024, CLOCK);
        // hospital B is registered for its own endpoint only
        intake.tokens.add(B, new Caller("hospital-b", "hospital", Set.of(Scopes.SUBMIT, Scopes.READ_TASKS), Set.of("https://ehr.hospital-b.example.org/fhir")));
        intake.tokens.add(READ_ONLY, new Caller("hospital-a", "hospital", Set.of(Scopes.READ_TASKS), TestTokens.ALL_TEST_ENDPOINTS));
        intake.tokens.add(SUBMIT_ONLY, new Caller("hospital-a", "hospital", Set.of(Scopes.SUBMIT), TestTokens.ALL_TEST_ENDPOINTS));
    }

    @AfterAll
    static void stop() throws Exception {
        intake.close();
    }

    @BeforeEach
    void installed() {
        intake.installed.add(Jurisdiction.of("US-IL"));
        intake.installed.add(Jurisdiction.of("US-MO"));
    }

    @Test
    void noTokenUnknownTokenAndWrongScopeAreRefusedOnEverySubmissionAndRead() throws Exception {
        String sample = sample("lives-in-one-state-seen-in-another.json");
        String taskId = taskId(post("/$process-message", A, sample));
        int rejectionsBefore = intake.store.rejections(100).size();
        for (String token : new String[] {null, "forged-or-expired"}) {
            HttpResponse<String> anonymous = post("/$process-message", token, sample);
            assertRefused(401, anonymous);
            assertEquals("close", anonymous.headers().firstValue("Connection").orElse("(none)"), "Connection header of the 401");
            assertRefused(401, post("", token, transaction(sample)));
            assertRefused(401, get("/Task/" + taskId, token));
        }
        HttpResponse<String> denied = post("/$process-message", READ_ONLY, sample);
        assertRefused(403, denied);
        // refused before the operation read the body: the connection is not reused (the next request here failed
        // with an end of stream when it was)
        assertEquals("close", denied.headers().firstValue("Connection").orElse("(none)"), "Connection header of the 403");
        assertRefused(403, post("", READ_ONLY, transaction(sample)));
        assertEquals(404, get("/Task/" + taskId, SUBMIT_ONLY).statusCode(), "no Task.rs scope: as if it did not exist");
        assertEquals(200, get("/Task/" + taskId, READ_ONLY).statusCode());
        assertEquals(rejectionsBefore, intake.store.rejections(100).size(), "anonymous bodies are not kept");
        assertEquals(200, get("/metadata", null).statusCode(), "the CapabilityStatement is public");
        HttpResponse<String> noToken = post("/$process-message", null, sample);
        assertTrue(noToken.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    }

    @Test
    void aRefusedSubmissionFromAClientThatDidNotAuthenticateLeavesNothingInTheStore() throws Exception {
        String sample = sample("lives-in-one-state-seen-in-another.json");
        assertTrue(sample.contains("Fictitious"), "the sample names the child");
        org.springframework.jdbc.core.JdbcTemplate jdbc = new org.springframework.jdbc.core.JdbcTemplate(intake.dataSource);
        java.util.List<String> tables = java.util.List.of("referral", "delivery_attempt", "intake_rejection", "referral_notice");
        java.util.Map<String, Integer> before = new java.util.HashMap<>();
        tables.forEach(t -> before.put(t, jdbc.queryForObject("SELECT COUNT(*) FROM " + t, Integer.class)));
        long notKeptBefore = intake.quarantine.notKept();

        assertRefused(401, post("/$process-message", null, sample));
        assertRefused(401, post("/$process-message", "forged-or-expired", sample));
        assertRefused(401, post("/$process-message", null, sample.replace("\"resourceType\"", "\"resourceTypo\"")));
        assertRefused(401, post("", null, transaction(sample)));

        tables.forEach(t -> assertEquals(before.get(t), jdbc.queryForObject("SELECT COUNT(*) FROM " + t, Integer.class),
                "nothing of an anonymous submission is stored in " + t));
        assertEquals(notKeptBefore + 4, intake.quarantine.notKept(), "each refusal counted");
        assertEquals(0, jdbc.queryForObject("SELECT COUNT(*) FROM audit_event WHERE resource_json LIKE '%Fictitious%'", Integer.class),
                "the audit trail records the refusals, never the body");
    }

    @Test
    void hospitalBCannotReadHospitalAsTaskWhichLooksLikeOneThatDoesNotExist() throws Exception {
        String taskOfA = taskId(post("/$process-message", A, sample("lives-in-one-state-seen-in-another.json")));
        HttpResponse<String> byB = get("/Task/" + taskOfA, B);
        HttpResponse<String> missing = get("/Task/" + ReferralId.random().value(), B);
        assertEquals(404, byB.statusCode());
        assertEquals(404, missing.statusCode());
        assertEquals(200, get("/Task/" + taskOfA, A).statusCode());
    }

    @Test
    void hospitalBCannotSendAsHospitalAsSourceEndpoint() throws Exception {
        // the sample's MessageHeader.source.endpoint is one of A's, not B's
        HttpResponse<String> response = post("/$process-message", B, sample("lives-in-one-state-seen-in-another.json"));
        assertRefused(403, response);
        assertTrue(response.body().contains("source.endpoint"), response.body());
    }

    @Test
    void aPreClaimedKeyDoesNotTouchTheGenuineReferral() throws Exception {
        // the attacker B posts first, with A's identifier but from its own endpoint
        String genuine = sample("lives-in-one-state-seen-in-another.json");
        String attack = genuine.replace("https://ehr.gateway.example.org/fhir", "https://ehr.hospital-b.example.org/fhir");
        assertNotEquals(genuine, attack, "the sample's endpoint was replaced");
        HttpResponse<String> attackAnswer = post("/$process-message", B, attack);
        assertEquals(202, attackAnswer.statusCode(), attackAnswer.body());

        HttpResponse<String> genuineAnswer = post("/$process-message", A, genuine);
        assertEquals(202, genuineAnswer.statusCode());
        assertTrue(genuineAnswer.body().contains("Accepted: follow"), "a new referral, not 'already accepted': " + genuineAnswer.body());
        assertNotEquals(taskId(attackAnswer), taskId(genuineAnswer));
        assertEquals("hospital-a", intake.store.submittedBy(new ReferralId(taskId(genuineAnswer))).orElseThrow());
    }

    @Test
    void theSameKeyWithOtherContentIs409AndKeptWhileAnIdenticalResendGetsTheSameTask() throws Exception {
        String first = sample("t76-52xa-suspected.json");
        String taskId = taskId(post("/$process-message", A, first));
        HttpResponse<String> resend = post("/$process-message", A, first);
        assertEquals(202, resend.statusCode());
        assertEquals(taskId, taskId(resend));

        String changed = first.replace("\"T76.52XA\"", "\"T74.52XA\"");
        assertNotEquals(first, changed);
        int before = intake.store.rejections(100).size();
        HttpResponse<String> conflict = post("/$process-message", A, changed);
        assertRefused(409, conflict);
        assertTrue(conflict.body().contains("intake rejection"), "kept for inspection: " + conflict.body());
        assertEquals(before + 1, intake.store.rejections(100).size());
    }

    // ------------------------------------------------------------------ helpers

    private static String sample(String name) {
        return Samples.json(Samples.fresh(name));
    }

    /** The same resources as a collection Bundle for {@code POST /fhir}. */
    private static String transaction(String message) {
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, message);
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.getEntry().remove(0);
        return FHIR.newJsonParser().encodeResourceToString(bundle);
    }

    private static String taskId(HttpResponse<String> response) {
        assertEquals(202, response.statusCode(), response.body());
        Matcher m = TASK.matcher(response.body());
        assertTrue(m.find(), response.body());
        return m.group(1);
    }

    private static void assertRefused(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        OperationOutcome outcome = (OperationOutcome) FHIR.newJsonParser().parseResource(response.body());
        assertFalse(outcome.getIssue().isEmpty());
    }

    private static HttpResponse<String> post(String path, String token, String body) throws Exception {
        return intake.post(path, token, body);
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return intake.get(path, token);
    }
}
