package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReportSource;
import org.safeharbor.auth.Caller;
import org.safeharbor.auth.Scopes;

/**
 * A law-enforcement custody notice (issue 15): read into a referral in which the child is the victim and nothing of the
 * criminal-justice side is kept; checked against StructureDefinition/custody-notice; submitted only by a law-enforcement
 * client with its scope, which in turn cannot submit a hospital's screening report.
 */
class CustodyNoticeTest {

    static final String SAMPLE = "law-enforcement/custody-notice-illinois.json";
    static final String ENDPOINT = "https://records.example-county-police.example.org/fhir";
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Instant NOW = Instant.parse("2026-11-21T09:00:00Z");
    /** Words of the criminal-justice side: never in the canonical referral. */
    static final List<String> CRIMINAL_WORDS = List.of("offense", "offence", "charge", "arrest", "criminal", "offender", "crime",
            "booking", "prostitut", "delinquen");
    private static final String POLICE = "token-police";
    private static final String POLICE_WITH_HOSPITAL_SCOPE = "token-police-hospital-scope";

    private static FhirServerHarness server;

    @BeforeAll
    static void start() throws Exception {
        server = new FhirServerHarness();
        server.tokens.add(POLICE, new Caller("example-county-police", Caller.LAW_ENFORCEMENT,
                Set.of(Scopes.SUBMIT_CUSTODY_NOTICE, Scopes.READ_TASKS), Set.of(ENDPOINT)));
        // a law-enforcement client whose token somehow holds the hospital's scope: still custody notices only
        server.tokens.add(POLICE_WITH_HOSPITAL_SCOPE, new Caller("confused-police", Caller.LAW_ENFORCEMENT,
                Set.of(Scopes.SUBMIT, Scopes.SUBMIT_CUSTODY_NOTICE), TestTokens.ALL_TEST_ENDPOINTS));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Bundle sample() throws Exception {
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class,
                Files.readString(Samples.dir().resolve(SAMPLE)));
        bundle.getIdentifier().setValue(bundle.getIdentifier().getValue() + "-" + UUID.randomUUID());
        return bundle;
    }

    private static Submission read(Bundle bundle) {
        return new SubmissionReader(AllegationMaps.load(FHIR), Clock.fixed(NOW, ZoneOffset.UTC)).read(bundle, true,
                FHIR.newJsonParser().encodeResourceToString(bundle).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void theNoticeBecomesASuspectedSexTraffickingReferralInWhichTheChildIsTheVictim() throws Exception {
        Bundle bundle = sample();
        // what a records system may also hold: none of it may be read
        bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Patient.class::isInstance).map(Patient.class::cast)
                .findFirst().orElseThrow().addIdentifier(new Identifier().setSystem("urn:booking").setValue("ARREST-4471"));
        Submission submission = read(bundle);
        Referral referral = submission.referral();
        assertEquals(ReportSource.LAW_ENFORCEMENT, referral.source());
        assertEquals(Set.of(Jurisdiction.of("US-IL")), referral.jurisdictions());
        assertEquals(1, referral.allegations().size());
        Allegation allegation = referral.allegations().get(0);
        assertEquals(AllegationType.SEX_TRAFFICKING, allegation.type());
        assertEquals(Certainty.SUSPECTED, allegation.certainty());
        assertEquals(PerpetratorRelation.UNKNOWN, allegation.perpetrator(), "someone unknown, never the child");
        assertEquals(CaregiverRole.NOT_APPLICABLE, allegation.caregiverRole());
        assertEquals("commercial-sexual-exploitation", allegation.evidence().get(0).code());
        assertEquals(Instant.parse("2026-11-21T07:55:00Z"), referral.occurredAt(), "the time of custody");
        assertEquals(NOW, referral.receivedAt());
        assertEquals(CustodyNoticeReader.REPORTER_ROLE, referral.reporter().role());
        assertNull(referral.reporter().name(), "the agency reports, not a named officer");
        assertEquals("Example County Police Department (sample)", referral.reporter().facility().name());
        assertEquals(referral.placeOfCare(), referral.reporter().facility());
        assertEquals("+1 217-555-0140", referral.reporter().phone());
        assertTrue(submission.actionable());
        assertEquals(ENDPOINT, submission.sourceEndpoint());
        String everything = (referral.toString() + referral.child() + referral.allegations() + referral.reporter().role()
                + referral.placeOfCare() + referral.child().name() + referral.child().residence()).toLowerCase(Locale.ROOT);
        for (String word : CRIMINAL_WORDS) {
            assertFalse(everything.contains(word), "the referral holds '" + word + "'");
        }
        assertFalse(everything.contains("4471"), "no identifier of the minor is read");
    }

    @Test
    void theOtherCircumstanceIsReadTheSameWay() throws Exception {
        Bundle bundle = sample();
        observation(bundle).getValueCodeableConcept().getCodingFirstRep().setCode("identified-trafficking-victim");
        Allegation allegation = read(bundle).referral().allegations().get(0);
        assertEquals(AllegationType.SEX_TRAFFICKING, allegation.type());
        assertEquals(Certainty.SUSPECTED, allegation.certainty());
    }

    @Test
    void theReaderRefusesANoticeWithoutCircumstanceTimeOrAMinor() throws Exception {
        Bundle unknown = sample();
        observation(unknown).getValueCodeableConcept().getCodingFirstRep().setCode("ZZ-MARKER");
        BaseServerResponseException e = assertThrows(BaseServerResponseException.class, () -> read(unknown));
        assertEquals(422, e.getStatusCode());
        assertFalse(e.getMessage().contains("ZZ-MARKER"), "a refusal names the element, never the value");
        assertEquals("Bundle.entry[1].resource.valueCodeableConcept", Refusals.element(e));

        Bundle untimed = sample();
        observation(untimed).setEffective(null);
        e = assertThrows(BaseServerResponseException.class, () -> read(untimed));
        assertEquals("Bundle.entry[1].resource.effective", Refusals.element(e));

        Bundle adult = sample();
        adult.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Patient.class::isInstance)
                .map(Patient.class::cast).findFirst().orElseThrow().setBirthDateElement(new org.hl7.fhir.r4.model.DateType("2006-01-02"));
        e = assertThrows(BaseServerResponseException.class, () -> read(adult));
        assertTrue(e.getMessage().contains("18 or older on the day of custody"), e.getMessage());
        assertEquals("Bundle.entry[2].resource.birthDate", Refusals.element(e));
        assertFalse(e.getMessage().contains("2006"));
    }

    @Test
    void theSampleConformsToTheCustodyNoticeProfile() throws Exception {
        assertEquals(List.of(), ProfileValidation.shared().check(sample()).errors());
    }

    @Test
    void theProfileRefusesAnArrestNumberOrAnOffenseNamingTheElementNeverTheValue() throws Exception {
        Bundle note = sample();
        observation(note).addNote().setText("ZZ-MARKER offense");
        BaseServerResponseException e = assertThrows(BaseServerResponseException.class, () -> ProfileValidation.shared().check(note));
        assertEquals(422, e.getStatusCode());
        assertTrue(e.getMessage().contains("custody-notice"), e.getMessage());
        assertTrue(e.getMessage().contains("Observation.note"), e.getMessage());
        assertFalse(e.getMessage().contains("ZZ-MARKER"));

        Bundle number = sample();
        observation(number).addIdentifier().setSystem("urn:arrest").setValue("ZZ-MARKER-4471");
        e = assertThrows(BaseServerResponseException.class, () -> ProfileValidation.shared().check(number));
        assertTrue(e.getMessage().contains("Observation.identifier"), e.getMessage());
        assertFalse(e.getMessage().contains("ZZ-MARKER"));

        Bundle extra = sample();
        extra.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(new org.hl7.fhir.r4.model.Condition()
                .setSubject(new org.hl7.fhir.r4.model.Reference(extra.getEntry().get(2).getFullUrl())));
        e = assertThrows(BaseServerResponseException.class, () -> ProfileValidation.shared().check(extra));
        assertTrue(e.getMessage().contains("Bundle.entry"), "a resource the notice does not carry: " + e.getMessage());

        Bundle untimed = sample();
        observation(untimed).setEffective(null);
        e = assertThrows(BaseServerResponseException.class, () -> ProfileValidation.shared().check(untimed));
        assertTrue(e.getMessage().contains("Observation.effective"), e.getMessage());
    }

    // ------------------------------------------------------------------ over HTTP: who may submit it

    @Test
    void aLawEnforcementClientSubmitsTheNotice() throws Exception {
        HttpResponse<String> answer = server.post("/$process-message", POLICE, FHIR.newJsonParser().encodeResourceToString(sample()));
        assertEquals(202, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("Content-Location").orElse("").contains("/Task/"));
        Referral handed = server.handedOver.get(server.handedOver.size() - 1);
        assertEquals(ReportSource.LAW_ENFORCEMENT, handed.source());
    }

    @Test
    void aHospitalsTokenCannotSubmitACustodyNotice() throws Exception {
        int before = server.handedOver.size();
        Bundle bundle = sample();
        ((org.hl7.fhir.r4.model.MessageHeader) bundle.getEntryFirstRep().getResource()).getSource().setEndpoint(TestBundles.SENDER_ENDPOINT);
        HttpResponse<String> answer = server.post("/$process-message", TestTokens.HOSPITAL_A, FHIR.newJsonParser().encodeResourceToString(bundle));
        assertEquals(403, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("OperationOutcome") && answer.body().contains(Scopes.SUBMIT_CUSTODY_NOTICE), answer.body());
        answer = server.post("", TestTokens.HOSPITAL_A, FHIR.newJsonParser().encodeResourceToString(bundle));
        assertEquals(403, answer.statusCode(), "nor through POST /fhir: " + answer.body());
        assertEquals(before, server.handedOver.size());
    }

    @Test
    void aLawEnforcementClientCannotSubmitAScreeningReport() throws Exception {
        int before = server.handedOver.size();
        String report = Samples.json(Samples.fresh("t76-52xa-failure-to-protect-illinois.json"));
        for (String token : List.of(POLICE, POLICE_WITH_HOSPITAL_SCOPE)) {
            HttpResponse<String> answer = server.post("/$process-message", token, report);
            assertEquals(403, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("custody notices only"), answer.body());
        }
        assertEquals(403, server.post("", POLICE, report).statusCode(), "nor through POST /fhir");
        assertEquals(before, server.handedOver.size());
    }

    private static Observation observation(Bundle bundle) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Observation.class::isInstance)
                .map(Observation.class::cast).findFirst().orElseThrow();
    }
}
