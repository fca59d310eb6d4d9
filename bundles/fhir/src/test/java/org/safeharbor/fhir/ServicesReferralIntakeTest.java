package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.auth.Caller;
import org.safeharbor.auth.Scopes;
import org.safeharbor.fhir.services.ServicesReferrals;

/**
 * Services referrals at the intake (issue 15): the hospital's Consent read into servicesConsent; a consented young adult
 * (18 to 24) still refused 422, nothing for a state, but handed to the services-referral bundle first and told so; the
 * hospital's Task shows each services referral and the provider's status.
 */
class ServicesReferralIntakeTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Caller HOSPITAL = new Caller("hospital-a", "hospital", Set.of(Scopes.SUBMIT), TestTokens.ALL_TEST_ENDPOINTS);

    /** A services-referral bundle that records what it is handed and takes it for one provider. */
    private static final class Recording implements ServicesReferrals {
        final List<Referral> referred = new CopyOnWriteArrayList<>();
        final java.util.Map<ReferralId, YoungAdult> askedBy = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public List<Status> statuses(ReferralId referralId) {
            return askedBy.containsKey(referralId)
                    ? List.of(new Status("youth-services", "young-adult", "sent", "accepted", Instant.parse("2026-12-01T10:00:00Z")))
                    : List.of();
        }

        @Override
        public List<String> referYoungAdult(Referral person) {
            referred.add(person);
            return List.of("youth-services");
        }

        @Override
        public List<String> referYoungAdult(Referral person, String clientId) {
            askedBy.put(person.id(), new YoungAdult(clientId, Instant.parse("2026-12-01T09:00:00Z")));
            return referYoungAdult(person);
        }

        @Override
        public Optional<YoungAdult> youngAdult(ReferralId referralId) {
            return Optional.ofNullable(askedBy.get(referralId));
        }
    }

    /** An Illinois person born on {@code birthDate}, a suspected sex-trafficking finding, and a Consent as given (null: none). */
    private static TestBundles submission(String birthDate, Consent.ConsentState state, Consent.ConsentProvisionType provision) {
        TestBundles b = TestBundles.message();
        b.patient.setBirthDateElement(new DateType(birthDate));
        b.condition("T76.52XA", "provisional");
        if (state != null) {
            Consent consent = new Consent().setStatus(state)
                    .setScope(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", null)))
                    .setPatient(TestBundles.ref(b.patient))
                    .addPolicy(new Consent.ConsentPolicyComponent().setUri("https://fhir.safeharbor-bridge.org/CodeSystem/services-referral"));
            consent.addCategory(new CodeableConcept(new Coding(ServicesConsent.SYSTEM, ServicesConsent.CODE, null)));
            if (provision != null) {
                consent.getProvision().setType(provision);
            }
            b.add(consent);
        }
        return b;
    }

    private static Bundle child(Consent.ConsentState state, Consent.ConsentProvisionType provision) {
        return submission("2012-05-01", state, provision).build();
    }

    private static SubmissionReader reader() {
        return new SubmissionReader(AllegationMaps.load(FHIR), Clock.systemUTC());
    }

    private static boolean consent(Bundle bundle) {
        return reader().read(bundle, true, Samples.json(bundle).getBytes(StandardCharsets.UTF_8)).referral().servicesConsent();
    }

    @Test
    void anActivePermittingConsentCodedServicesReferralIsConsentAndNothingElseIs() {
        assertTrue(consent(child(Consent.ConsentState.ACTIVE, null)));
        assertTrue(consent(child(Consent.ConsentState.ACTIVE, Consent.ConsentProvisionType.PERMIT)));
        assertFalse(consent(child(null, null)), "no Consent");
        assertFalse(consent(child(Consent.ConsentState.DRAFT, null)), "a draft");
        assertFalse(consent(child(Consent.ConsentState.INACTIVE, null)), "withdrawn");
        assertFalse(consent(child(Consent.ConsentState.ACTIVE, Consent.ConsentProvisionType.DENY)), "a refusal");
    }

    @Test
    void theProfilesAcceptAConsentEntry() {
        ProfileValidation.Outcome outcome = ProfileValidation.shared().check(child(Consent.ConsentState.ACTIVE, Consent.ConsentProvisionType.PERMIT));
        assertEquals(List.of(), outcome.errors());
    }

    private static UnprocessableEntityException refusedAdult(String birthDate, Consent.ConsentState consent, ServicesReferrals services) {
        Bundle bundle = submission(birthDate, consent, Consent.ConsentProvisionType.PERMIT).build();
        IntakeService intake = new IntakeService(reader(), null, j -> Optional.empty(), () -> services);
        return assertThrows(UnprocessableEntityException.class, () -> intake.accept(bundle, true,
                Samples.json(bundle).getBytes(StandardCharsets.UTF_8), "application/fhir+json", HOSPITAL));
    }

    @Test
    void aConsentedYoungAdultIsRefusedAsAReportButReferredToServicesAndTheAnswerSaysSo() {
        Recording services = new Recording();
        String twenty = LocalDate.now().minusYears(20).toString();
        OperationOutcome outcome = (OperationOutcome) refusedAdult(twenty, Consent.ConsentState.ACTIVE, services).getOperationOutcome();

        assertEquals(OperationOutcome.IssueSeverity.ERROR, outcome.getIssueFirstRep().getSeverity(), "still refused as a report");
        assertEquals("Bundle.entry[1].resource.birthDate", outcome.getIssueFirstRep().getExpression().get(0).getValue());
        assertEquals(1, services.referred.size());
        Referral person = services.referred.get(0);
        String information = outcome.getIssue().get(1).getDiagnostics();
        assertTrue(information.contains("youth-services") && information.contains(person.id().value()) && information.contains("not sent to any state"),
                information);
        assertFalse(information.contains("Testchild") || information.contains(twenty), "no personal data in the answer");
        assertTrue(person.servicesConsent());
        assertEquals(List.of(AllegationType.SEX_TRAFFICKING), person.allegations().stream().map(a -> a.type()).toList());
        assertEquals(Certainty.SUSPECTED, person.allegations().get(0).certainty());
    }

    @Test
    void theYoungAdultsTaskShowsTheProvidersStatusToTheSubmittingClientAlone() throws Exception {
        try (FhirServerHarness server = new FhirServerHarness()) {
            Recording services = new Recording();
            server.services = services;
            server.tokens.add("token-hospital-b", new Caller("hospital-b", "hospital", Set.of(Scopes.SUBMIT, Scopes.READ_TASKS),
                    TestTokens.ALL_TEST_ENDPOINTS));
            Bundle bundle = submission(LocalDate.now().minusYears(20).toString(), Consent.ConsentState.ACTIVE,
                    Consent.ConsentProvisionType.PERMIT).build();
            var refused = server.post("/$process-message", TestTokens.HOSPITAL_A, Samples.json(bundle));
            assertEquals(422, refused.statusCode(), refused.body());
            ReferralId id = services.referred.get(0).id();
            assertEquals("hospital-a", services.askedBy.get(id).clientId(), "the client that asked is recorded");
            assertTrue(refused.body().contains("its status at Task/" + id.value()), refused.body());

            var read = server.get("/Task/" + id.value(), TestTokens.HOSPITAL_A);
            assertEquals(200, read.statusCode(), read.body());
            Task task = FHIR.newJsonParser().parseResource(Task.class, read.body());
            assertEquals(Task.TaskStatus.COMPLETED, task.getStatus());
            assertEquals("not-reportable", task.getBusinessStatus().getCodingFirstRep().getCode());
            assertEquals("services-referral youth-services", task.getOutputFirstRep().getType().getText());
            assertEquals("sent (young-adult); the provider's Task: accepted", task.getOutputFirstRep().getValue().primitiveValue());
            assertTrue(task.getMeta().getSecurity().size() >= 2, "labelled as every Task is");

            // another hospital's Task is not found, as an unknown one is: an id does not say whether it exists
            assertEquals(404, server.get("/Task/" + id.value(), "token-hospital-b").statusCode(), "another hospital's");
            assertEquals(404, server.get("/Task/" + java.util.UUID.randomUUID(), TestTokens.HOSPITAL_A).statusCode(), "nobody's");
        }
    }

    @Test
    void withoutConsentPast24OrWithoutTheBundleItIsThePlainRefusal() {
        Recording services = new Recording();
        String twenty = LocalDate.now().minusYears(20).toString();
        for (UnprocessableEntityException refusal : List.of(refusedAdult(twenty, null, services),
                refusedAdult(LocalDate.now().minusYears(26).toString(), Consent.ConsentState.ACTIVE, services),
                refusedAdult(twenty, Consent.ConsentState.ACTIVE, null))) {
            assertEquals(1, ((OperationOutcome) refusal.getOperationOutcome()).getIssue().size());
            assertEquals(YoungAdults.MESSAGE, refusal.getMessage().replaceFirst("^HTTP 422 Unprocessable Entity: ", ""));
        }
        assertTrue(services.referred.isEmpty());
    }

    @Test
    void theTaskShowsEachServicesReferralWithTheProvidersStatus() {
        Task task = TaskView.withServices(new Task(), List.of(
                new ServicesReferrals.Status("youth-services", "confirmed", "sent", "accepted", Instant.now()),
                new ServicesReferrals.Status("state-hub", "at-risk-consented", "queued", null, Instant.now())));
        assertEquals("services-referral youth-services", task.getOutput().get(0).getType().getText());
        assertEquals("sent (confirmed); the provider's Task: accepted", task.getOutput().get(0).getValue().primitiveValue());
        assertEquals("queued (at-risk-consented)", task.getOutput().get(1).getValue().primitiveValue());
    }
}
