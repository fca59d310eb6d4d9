package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.CareStatus;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.auth.Caller;
import org.safeharbor.auth.Scopes;
import org.safeharbor.store.Delivery;
import org.safeharbor.store.MessageStore;

/**
 * A child in the state agency's care (42 U.S.C. 671(a)(34)): the hospital says it with the extension child-care-status on
 * the Patient; the profiles accept it and refuse another code; the reader gives the canonical referral its care status;
 * the intake queues a child-in-care at-risk signal only where the state's bundle declares its child-in-care rule.
 */
class ChildInCareIntakeTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Jurisdiction IL = Jurisdiction.of("US-IL");
    private static final Caller HOSPITAL = new Caller("hospital-a", "hospital", Set.of(Scopes.SUBMIT), TestTokens.ALL_TEST_ENDPOINTS);

    private static DefaultCamelContext camel;
    private static ProducerTemplate producer;
    private static MessageStore store;

    @BeforeAll
    static void start() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:child-in-care-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(dataSource);
        camel = new DefaultCamelContext();
        camel.addRoutes(FhirServerHarness.storingIntake(store, new java.util.concurrent.CopyOnWriteArrayList<>()));
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterAll
    static void stop() {
        camel.stop();
    }

    /** An Illinois child with a positive SSCST result (an at-risk signal) and, unless null, the care status. */
    private static TestBundles atRiskScreen(String careStatus) {
        TestBundles b = TestBundles.message();
        b.screeningResult("sscst", "sscst-positive", Observation.ObservationStatus.FINAL);
        if (careStatus != null) {
            b.patient.addExtension(CareStatusReader.EXTENSION, new CodeableConcept(new Coding(CareStatusReader.SYSTEM, careStatus, null)));
        }
        return b;
    }

    private static Submission read(TestBundles b) {
        Bundle bundle = b.build();
        return new SubmissionReader(AllegationMaps.load(FHIR), Clock.systemUTC()).read(bundle, true,
                Samples.json(bundle).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theReaderGivesTheCareStatusTheHospitalSaid() {
        assertEquals(CareStatus.FOSTER_CARE, read(atRiskScreen("foster-care")).referral().careStatus());
        assertEquals(CareStatus.AGENCY_SUPERVISION, read(atRiskScreen("agency-supervision")).referral().careStatus());
        assertEquals(CareStatus.NOT_IN_CARE, read(atRiskScreen("not-in-care")).referral().careStatus());
        assertEquals(CareStatus.UNKNOWN, read(atRiskScreen(null)).referral().careStatus());
    }

    @Test
    void anotherCodeOrTwoCareStatusesAreRefusedNamingTheElementNotTheValue() {
        UnprocessableEntityException other = assertThrows(UnprocessableEntityException.class,
                () -> read(atRiskScreen("orphanage-zq")));
        OperationOutcome.OperationOutcomeIssueComponent issue = ((OperationOutcome) other.getOperationOutcome()).getIssueFirstRep();
        assertEquals("Bundle.entry[1].resource.extension[0].valueCodeableConcept", issue.getExpression().get(0).getValue());
        assertTrue(!issue.getDiagnostics().contains("orphanage-zq"), issue.getDiagnostics());
        TestBundles twice = atRiskScreen("foster-care");
        twice.patient.addExtension(CareStatusReader.EXTENSION, new CodeableConcept(new Coding(CareStatusReader.SYSTEM, "not-in-care", null)));
        UnprocessableEntityException repeated = assertThrows(UnprocessableEntityException.class, () -> read(twice));
        assertEquals("Bundle.entry[1].resource.extension[0]",
                ((OperationOutcome) repeated.getOperationOutcome()).getIssueFirstRep().getExpression().get(0).getValue());
    }

    @Test
    void theProfilesAcceptTheExtensionWithoutAWarningAndRefuseAnotherCode() {
        ProfileValidation.Outcome outcome = ProfileValidation.shared().check(atRiskScreen("foster-care").build());
        assertEquals(List.of(), outcome.errors());
        assertTrue(outcome.warnings().stream().noneMatch(w -> w.expression().contains("entry[1]")), outcome.warnings().toString());
        Bundle wrong = atRiskScreen("orphanage-zq").build();
        assertThrows(UnprocessableEntityException.class, () -> ProfileValidation.shared().check(wrong));
    }

    @Test
    void aChildInCareAtRiskSignalIsQueuedOnlyWhereTheStateDeclaresTheRule() {
        IntakeService withRule = new IntakeService(new SubmissionReader(AllegationMaps.load(FHIR), Clock.systemUTC()), producer,
                j -> Optional.of(adapter(Optional.of("42 U.S.C. 671(a)(34)"))));
        IntakeService withoutRule = new IntakeService(new SubmissionReader(AllegationMaps.load(FHIR), Clock.systemUTC()), producer,
                j -> Optional.of(adapter(Optional.empty())));
        assertEquals(DeliveryStatus.RECEIVED, status(withRule, atRiskScreen("foster-care")));
        assertEquals(DeliveryStatus.RECEIVED, status(withRule, atRiskScreen("agency-supervision")));
        assertEquals(DeliveryStatus.NOT_SENT, status(withRule, atRiskScreen("not-in-care")));
        assertEquals(DeliveryStatus.NOT_SENT, status(withRule, atRiskScreen(null)));
        assertEquals(DeliveryStatus.NOT_SENT, status(withoutRule, atRiskScreen("foster-care")));
    }

    private static DeliveryStatus status(IntakeService intake, TestBundles b) {
        Bundle bundle = b.build();
        IntakeService.Accepted accepted = intake.accept(bundle, true, Samples.json(bundle).getBytes(StandardCharsets.UTF_8),
                "application/fhir+json", HOSPITAL);
        List<Delivery> deliveries = accepted.stored().deliveries();
        assertEquals(1, deliveries.size());
        assertEquals(IL, deliveries.get(0).jurisdiction());
        return deliveries.get(0).status();
    }

    /** Illinois with no at-risk rule and, if given, a child-in-care rule. */
    private static JurisdictionAdapter adapter(Optional<String> childInCareRule) {
        StateFormat format = new StateFormat() {
            public String mediaType() {
                return "text/plain";
            }

            public Optional<String> write(Referral referral) {
                return Optional.empty();
            }

            public Referral read(String payload) {
                throw new UnsupportedOperationException();
            }

            public Set<ReferralField> disclosedFields() {
                return Set.of(ReferralField.REFERRAL_ID);
            }

            @Override
            public Optional<String> childInCareAtRiskRule() {
                return childInCareRule;
            }
        };
        return new JurisdictionAdapter() {
            public Jurisdiction jurisdiction() {
                return IL;
            }

            public String displayName() {
                return "Illinois (test)";
            }

            public StateFormat format() {
                return format;
            }

            public List<DeadlineRule> deadlineRules() {
                return List.of();
            }
        };
    }
}
