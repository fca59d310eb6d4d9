package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.auth.Caller;
import org.safeharbor.auth.Scopes;
import org.safeharbor.store.AuditQuery;
import org.safeharbor.store.AuditRecord;

/**
 * The intake's audit trail over HTTP against the real intake server: each submission (accepted or refused), each
 * Task read, each search of the trail is recorded with its client and no personal data; {@code GET /fhir/AuditEvent}
 * answers only a client holding {@code system/AuditEvent.rs}, paged; every other client is refused 403.
 */
class AuditEventSearchTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final String A = TestTokens.HOSPITAL_A;
    static final String B = "token-hospital-b";
    static final String AUDITOR = "token-auditor";
    static final Pattern TASK = Pattern.compile("Task/([0-9a-f-]{36})");

    static IntakeHarness intake;
    static String taskId;
    static Bundle sample;

    @BeforeAll
    static void start() throws Exception {
        intake = new IntakeHarness(64 * 1024, Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC));
        intake.installed.add(Jurisdiction.of("US-IL"));
        intake.installed.add(Jurisdiction.of("US-MO"));
        intake.tokens.add(B, new Caller("hospital-b", "hospital", Set.of(Scopes.SUBMIT, Scopes.READ_TASKS), Set.of()));
        intake.tokens.add(AUDITOR, new Caller("state-auditor", "auditor", Set.of(Scopes.READ_AUDIT), Set.of()));

        sample = Samples.fresh("lives-in-one-state-seen-in-another.json");
        HttpResponse<String> accepted = post("/$process-message", A, Samples.json(sample));
        assertEquals(202, accepted.statusCode(), accepted.body());
        Matcher m = TASK.matcher(accepted.body());
        assertTrue(m.find());
        taskId = m.group(1);
        assertEquals(200, get("/Task/" + taskId, A).statusCode());
        assertEquals(404, get("/Task/" + taskId, B).statusCode());
        assertEquals(400, post("/$process-message", A, "{\"resourceType\":\"Patient\"}").statusCode());
        assertEquals(401, post("/$process-message", null, Samples.json(sample)).statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        intake.close();
    }

    @Test
    void submissionsAndTaskReadsAreRecordedWithTheirClientAndOutcome() {
        List<AuditRecord> ofTask = intake.store.auditRecords(AuditQuery.ofEntity(taskId), 0, 100);
        assertEquals(List.of("submission/hospital-a/0", "task-read/hospital-a/0", "task-read/hospital-b/4"),
                ofTask.stream().map(r -> r.eventCode() + "/" + r.agent() + "/" + r.outcome()).toList());
        List<AuditRecord> all = intake.store.auditRecords(AuditQuery.ALL, 0, 100);
        assertTrue(all.stream().anyMatch(r -> r.eventCode().equals("submission") && r.agent().equals("hospital-a")
                && r.outcome().equals("4") && r.json().contains("HTTP 400")), "the refused submission");
        assertTrue(all.stream().anyMatch(r -> r.eventCode().equals("submission") && r.agent().equals("anonymous")
                && r.json().contains("HTTP 401") && r.json().contains("127.0.0.1")), "the one without a token, with its address");
        AuditEvent read = FHIR.newJsonParser().parseResource(AuditEvent.class, ofTask.get(1).json());
        assertEquals("read", read.getSubtypeFirstRep().getCode());
        assertEquals("Task/" + taskId, read.getEntityFirstRep().getWhat().getReference());
    }

    @Test
    void theAuditTrailHoldsNoPersonalDataOfTheSubmission() {
        Patient child = sample.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Patient.class::isInstance)
                .map(Patient.class::cast).findFirst().orElseThrow();
        List<String> personal = new ArrayList<>();
        for (HumanName name : child.getName()) {
            personal.add(name.getFamily());
            name.getGiven().forEach(g -> personal.add(g.getValue()));
        }
        personal.add(child.getBirthDateElement().getValueAsString());
        child.getAddress().forEach(a -> a.getLine().forEach(l -> personal.add(l.getValue())));
        personal.removeIf(p -> p == null || p.length() < 4);
        assertFalse(personal.isEmpty());
        for (AuditRecord record : intake.store.auditRecords(AuditQuery.ALL, 0, 1_000)) {
            for (String p : personal) {
                assertFalse(record.json().contains(p), "audit record " + record.seq() + " holds " + p);
            }
        }
    }

    @Test
    void anAuditorSearchesByEntityAgentAndDateAndPagesThroughTheResults() throws Exception {
        Bundle byEntity = search("/AuditEvent?entity=Task/" + taskId, AUDITOR);
        assertEquals(3, byEntity.getTotal());
        assertTrue(byEntity.getEntry().stream().allMatch(e -> e.getResource() instanceof AuditEvent));
        assertEquals(3, search("/AuditEvent?entity=" + taskId, AUDITOR).getTotal(), "the bare referral id too");
        assertEquals(2, search("/AuditEvent?entity=" + taskId + "&agent=hospital-a", AUDITOR).getTotal());
        assertEquals(3, search("/AuditEvent?entity=" + taskId + "&date=ge2020-01-01", AUDITOR).getTotal());
        assertEquals(0, search("/AuditEvent?entity=" + taskId + "&date=lt2020-01-01", AUDITOR).getTotal());

        Bundle first = search("/AuditEvent?entity=" + taskId + "&_count=2", AUDITOR);
        assertEquals(2, first.getEntry().size());
        assertNotNull(first.getLink(Bundle.LINK_NEXT), "paged");
        String next = first.getLink(Bundle.LINK_NEXT).getUrl();
        HttpResponse<String> page = get(next, AUDITOR);
        assertEquals(200, page.statusCode(), page.body());
        Bundle second = FHIR.newJsonParser().parseResource(Bundle.class, page.body());
        assertEquals(1, second.getEntry().size());
        assertEquals("task-read", ((AuditEvent) second.getEntryFirstRep().getResource()).getSubtype().get(1).getCode());

        // the searches themselves are in the trail, with their criteria
        List<AuditRecord> searches = intake.store.auditRecords(new AuditQuery(null, "state-auditor", null, null), 0, 100);
        assertTrue(searches.size() >= 6, "each search and page: " + searches.size());
        assertTrue(searches.stream().allMatch(r -> r.eventCode().equals("audit-search") && r.outcome().equals("0")));
        assertTrue(searches.get(0).json().contains("Task/" + taskId), searches.get(0).json());
    }

    @Test
    void everyClientWithoutTheAuditorsScopeIsRefused() throws Exception {
        for (String token : new String[] {A, B}) {
            HttpResponse<String> refused = get("/AuditEvent?entity=" + taskId, token);
            assertEquals(403, refused.statusCode(), refused.body());
            OperationOutcome outcome = (OperationOutcome) FHIR.newJsonParser().parseResource(refused.body());
            assertFalse(outcome.getIssue().isEmpty());
            assertFalse(refused.body().contains("AuditEvent\",\"id"), "no AuditEvent in the answer");
        }
        assertEquals(401, get("/AuditEvent", null).statusCode());
        // an auditor holds no other scope: it cannot read a Task or submit
        assertEquals(404, get("/Task/" + taskId, AUDITOR).statusCode());
        assertEquals(403, post("/$process-message", AUDITOR, Samples.json(Samples.fresh("lives-in-one-state-seen-in-another.json"))).statusCode());
        assertTrue(intake.store.auditRecords(new AuditQuery(null, "hospital-b", null, null), 0, 100).stream()
                .anyMatch(r -> r.eventCode().equals("audit-search") && r.outcome().equals("4")), "the refused search is recorded");
    }

    private static Bundle search(String path, String token) throws Exception {
        HttpResponse<String> answer = get(path, token);
        assertEquals(200, answer.statusCode(), answer.body());
        return FHIR.newJsonParser().parseResource(Bundle.class, answer.body());
    }

    private static HttpResponse<String> post(String path, String token, String body) throws Exception {
        return intake.post(path, token, body);
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return intake.get(path, token);
    }
}
