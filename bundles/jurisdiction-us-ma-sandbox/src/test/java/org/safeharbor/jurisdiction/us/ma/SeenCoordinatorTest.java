package org.safeharbor.jurisdiction.us.ma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.jurisdiction.us.ma.sandbox.MassachusettsPeer;

/**
 * The sandbox's SEEN coordinator (issue 15, coordination notices) over HTTPS: a coordination notice as the adapter's
 * coordination-notices bundle writes it is recorded to {@code <referralId>.seen.json} and answered 201; anything else,
 * and a notice carrying Patient data while the coordinator does not accept it, is refused 400 naming the rule.
 */
class SeenCoordinatorTest {

    private static final FhirContext FHIR = FhirContext.forR4();

    @TempDir
    Path records;
    private MassachusettsPeer peer;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        peer = new MassachusettsPeer(records).start();
        client = SandboxTls.client();
    }

    @AfterEach
    void stop() throws Exception {
        peer.close();
    }

    /** A notice as the coordination bundle writes one: no Patient data. */
    private static Communication notice(String referralId) {
        Communication notice = new Communication();
        notice.setStatus(Communication.CommunicationStatus.COMPLETED);
        notice.addCategory(new CodeableConcept(new Coding("https://fhir.safeharbor-bridge.org/CodeSystem/coordination-notice",
                "coordination-notice", "Coordination notice")));
        notice.addIdentifier(new Identifier().setSystem("https://fhir.safeharbor-bridge.org/NamingSystem/referral-id").setValue(referralId));
        notice.addRecipient(new Reference().setDisplay("SEEN coordinator (case-coordinator, US-MA)"));
        notice.setSent(new Date());
        notice.addPayload().setContent(new StringType("State intake number: MA-2026-000007"));
        notice.addPayload().setContent(new StringType("Contact: Boston General social work, 617-555-0100"));
        return notice;
    }

    private HttpResponse<String> post(String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(peer.coordinationUrl() + "/Communication"))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aMinimalNoticeIsRecordedOneFilePerNotice() throws Exception {
        assertEquals(201, post(FHIR.newJsonParser().encodeResourceToString(notice("r-7"))).statusCode());

        assertEquals(1, peer.coordinationNotices().size());
        assertEquals("MA-2026-000007", peer.coordinationNotices().get(0).intakeNumber());
        assertTrue(Files.readString(records.resolve("r-7.seen.json")).contains("State intake number: MA-2026-000007"));
    }

    @Test
    void patientDataIsRefusedUnlessTheCoordinatorAcceptsItAndAnythingElseIsRefused() throws Exception {
        Communication withChild = notice("r-8");
        Patient child = new Patient();
        child.setId("child");
        child.addName().setFamily("Doe");
        withChild.addContained(child);
        withChild.setSubject(new Reference("#child"));
        HttpResponse<String> refused = post(FHIR.newJsonParser().encodeResourceToString(withChild));
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("carries Patient data"), refused.body());
        assertTrue(!refused.body().contains("Doe"));

        peer.acceptPatientData(true);
        assertEquals(400, post(FHIR.newJsonParser().encodeResourceToString(withChild)).statusCode(), "no lawful basis recorded");
        withChild.addReasonCode(new CodeableConcept().setText("MOU with the SEEN team"));
        assertEquals(201, post(FHIR.newJsonParser().encodeResourceToString(withChild)).statusCode());

        assertEquals(400, post("{\"resourceType\":\"Patient\"}").statusCode());
        assertEquals(400, post("{\"resourceType\":\"Communication\",\"status\":\"completed\",\"bogus\":1}").statusCode());
        Communication noNumber = notice("r-9");
        noNumber.getPayload().remove(0);
        assertEquals(400, post(FHIR.newJsonParser().encodeResourceToString(noNumber)).statusCode());
        assertEquals(1, peer.coordinationNotices().size());
    }
}
