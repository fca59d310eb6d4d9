package org.safeharbor.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.fhir.services.ServicesReferrals;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.services.sandbox.ServicesProviderPeer;
import org.safeharbor.services.sandbox.ServicesSandbox;
import org.safeharbor.store.AuditEntry;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.StoreCipher;
import org.safeharbor.store.StoredReferral;

/**
 * Services referrals end to end against the sandbox provider (a real HAPI FHIR server over HTTPS on localhost), on the
 * message store's H2 database, in-memory queues: one test per trigger, the provider's status back, retries and dead
 * letter, no second Task on a resend, minimum necessary on the wire, every send audited.
 */
class ServicesReferralPeerTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Jurisdiction TX = Jurisdiction.of("US-TX");
    private static final String TOKEN = "sandbox-token";
    private static final String LE_ONLY = "Texas law enforcement notified: the alleged trafficker is not a person responsible for the"
            + " child's care (CPS Handbook 2380)";

    private final List<AuditEntry> audited = new CopyOnWriteArrayList<>();
    private final List<Provider> providers = new CopyOnWriteArrayList<>();
    private MessageStore store;
    private ServicesLedger ledger;
    private ServicesRoutes routes;
    private ServicesProviderPeer peer;
    private DefaultCamelContext camel;
    private Path trust;

    @BeforeEach
    void start() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(h2);
        ledger = new ServicesLedger(h2, new StoreCipher(store.keys()), entry -> {
            audited.add(entry);
            store.audit(entry);
        }, Clock.systemUTC());
        peer = new ServicesProviderPeer(FHIR).bearerToken(TOKEN).start();
        trust = SandboxPeer.writeTrustStore(ServicesSandbox.keyStore(),
                ServicesSandbox.PASSWORD.toCharArray());
        providers.add(TestReferrals.provider("sandbox", peer.baseUrl(), auth(TOKEN)));
        routes = new ServicesRoutes(ledger, () -> providers, id -> store.find(id).map(StoredReferral::referral), h2,
                new ServicesRoutes.Watch(Duration.ofDays(2), Map.of(TX, "Texas law enforcement notified:"), Duration.ofDays(90), Duration.ofDays(365)),
                new ServicesRoutes.Queues("seda:services", "seda:services", "seda:services-dlq", "direct:sweep", "direct:watch", "direct:poll",
                        "direct:retention"),
                new Redelivery(2, Duration.ofMillis(10), 1.0, Duration.ofMillis(10)), Clock.systemUTC(), FHIR, FhirContext::forR4);
        camel = new DefaultCamelContext();
        camel.addRoutes(routes);
        camel.start();
    }

    private Provider.Auth auth(String token) {
        return new Provider.Auth(token, trust.toString(), ServicesSandbox.PASSWORD, "", "");
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        routes.close();
        peer.close();
        Files.deleteIfExists(trust);
    }

    /** A referral accepted by the intake now (delivery to Texas queued). */
    private Referral accepted(String id, Certainty certainty, boolean consent) {
        Referral referral = TestReferrals.referral(id, LocalDate.of(2010, 5, 6), AllegationType.SEX_TRAFFICKING, certainty, consent, Instant.now());
        store.accept("ehr|" + id, referral, true, "{\"resourceType\":\"Bundle\"}", "application/fhir+json", Map.of(TX, DeliveryStatus.QUEUED));
        return referral;
    }

    private void watch() {
        camel.createProducerTemplate().sendBody("direct:watch", "");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private String sentStatus(ReferralId id) {
        String status = ledger.status(id, "sandbox");
        return status == null ? "" : status;
    }

    @Test
    void aConfirmedAllegationIsReferredAndTheProvidersStatusComesBack() throws Exception {
        Referral referral = accepted("confirmed-1", Certainty.CONFIRMED, true);
        watch();
        await("sent", () -> sentStatus(referral.id()).equals("SENT"));

        Task task = peer.tasks().get(0);
        assertEquals(Task.TaskStatus.RECEIVED, task.getStatus());
        assertEquals("Organization/youth-services", task.getOwner().getReference());
        assertTrue(task.getFocus().getReference().startsWith("ServiceRequest/"), "focus resolved on the provider's server");
        Patient patient = (Patient) peer.read(task.getFor().getReference());
        assertEquals("Doe", patient.getNameFirstRep().getFamily());

        List<ServicesReferrals.Status> statuses = ledger.statuses(referral.id());
        assertEquals(1, statuses.size());
        assertEquals("confirmed", statuses.get(0).trigger());
        assertEquals("sent", statuses.get(0).status());
        assertEquals("received", statuses.get(0).providerStatus());

        // the provider's staff accept, then start: each read back by the poll
        peer.setStatus(task.getIdElement().toUnqualifiedVersionless().getValue(), Task.TaskStatus.ACCEPTED);
        camel.createProducerTemplate().sendBody("direct:poll", "");
        assertEquals("accepted", ledger.statuses(referral.id()).get(0).providerStatus());
        peer.setStatus(task.getIdElement().toUnqualifiedVersionless().getValue(), Task.TaskStatus.INPROGRESS);
        camel.createProducerTemplate().sendBody("direct:poll", "");
        assertEquals("in-progress", ledger.statuses(referral.id()).get(0).providerStatus());

        // one disclosure, audited with the field names and the provider as recipient; each status read back recorded
        List<AuditEntry> disclosures = audited.stream().filter(e -> e.kind() == AuditEntry.Kind.DISCLOSURE).toList();
        assertEquals(1, disclosures.size());
        assertEquals("services-sandbox", disclosures.get(0).recipient());
        assertEquals(ServicesPayload.FIELDS, disclosures.get(0).fields());
        assertEquals(2, audited.stream().filter(e -> e.kind() == AuditEntry.Kind.STATUS_RECEIVED).count());

        // considered once: a second watch sends nothing more
        watch();
        assertEquals(1, peer.received().size());
    }

    @Test
    void aConsentedAtRiskSignalIsReferredAndOneWithoutConsentIsNot() throws Exception {
        Referral consented = accepted("at-risk-1", Certainty.AT_RISK, true);
        Referral notConsented = accepted("at-risk-2", Certainty.AT_RISK, false);
        Referral suspected = accepted("suspected-1", Certainty.SUSPECTED, true);
        watch();
        await("sent", () -> sentStatus(consented.id()).equals("SENT"));
        assertEquals("at-risk-consented", ledger.statuses(consented.id()).get(0).trigger());
        assertTrue(ledger.statuses(notConsented.id()).isEmpty(), "no consent, no referral");
        assertTrue(ledger.statuses(suspected.id()).isEmpty(), "a suspicion with consent is the state's: no trigger of its own");
        assertTrue(peer.received().get(0).contains("\"at-risk\""));
    }

    @Test
    void aReportSentToLawEnforcementOnlyIsReferredAndOneToChildWelfareIsNot() throws Exception {
        Referral lawEnforcement = accepted("tx-le-1", Certainty.SUSPECTED, true);
        Referral cps = accepted("tx-cps-1", Certainty.SUSPECTED, true);
        watch();
        assertTrue(ledger.statuses(lawEnforcement.id()).isEmpty(), "not before the state's outcome");
        for (Referral r : List.of(lawEnforcement, cps)) {
            store.recordAttempt(r.id(), TX, "<report/>");
        }
        store.report(new StatusUpdate(lawEnforcement.id(), TX, DeliveryStatus.ACKNOWLEDGED, "LE-1", Instant.now(), LE_ONLY));
        store.report(new StatusUpdate(cps.id(), TX, DeliveryStatus.ACKNOWLEDGED, "CPS-1", Instant.now(),
                "Texas CPS intake: the alleged trafficker is a person responsible for the child's care (CPS Handbook 2380)"));
        watch();
        await("sent", () -> sentStatus(lawEnforcement.id()).equals("SENT"));
        assertEquals("law-enforcement-only", ledger.statuses(lawEnforcement.id()).get(0).trigger());
        assertTrue(ledger.statuses(cps.id()).isEmpty());
        assertEquals(1, peer.received().size());
    }

    @Test
    void aConsentedYoungAdultTheIntakeRefusedIsReferredWithoutAnyStoredReferral() throws Exception {
        Referral adult = TestReferrals.referral(ReferralId.random().value(), LocalDate.now().minusYears(20), AllegationType.SEX_TRAFFICKING,
                Certainty.SUSPECTED, true, Instant.now());
        assertEquals(List.of("sandbox"), routes.refer(adult, Trigger.YOUNG_ADULT, "hospital-a"));
        await("sent", () -> sentStatus(adult.id()).equals("SENT"));
        assertTrue(store.find(adult.id()).isEmpty(), "nothing stored as a child-welfare referral");
        assertEquals("young-adult", ledger.statuses(adult.id()).get(0).trigger());
        assertEquals("hospital-a", ledger.youngAdult(adult.id()).orElseThrow().clientId(), "its Task is the asking client's");
        Referral child = accepted("child-1", Certainty.CONFIRMED, true);
        watch();
        await("the child's sent", () -> sentStatus(child.id()).equals("SENT"));
        assertTrue(ledger.youngAdult(child.id()).isEmpty(), "a stored referral's Task is the stored referral's");

        Referral older = TestReferrals.referral(ReferralId.random().value(), LocalDate.now().minusYears(26), AllegationType.SEX_TRAFFICKING,
                Certainty.SUSPECTED, true, Instant.now());
        assertEquals(List.of(), routes.refer(older, Trigger.YOUNG_ADULT), "26: no provider takes it");
        Referral unconsented = TestReferrals.referral(ReferralId.random().value(), LocalDate.now().minusYears(20), AllegationType.SEX_TRAFFICKING,
                Certainty.SUSPECTED, false, Instant.now());
        assertEquals(List.of(), routes.refer(unconsented, Trigger.YOUNG_ADULT), "no consent: nothing kept");
    }

    @Test
    void aRefusedSendIsRetriedWithItsAttemptsRecordedThenDeadLetteredAndFailed() throws Exception {
        providers.set(0, TestReferrals.provider("sandbox", peer.baseUrl(), auth("wrong-token")));
        Referral referral = accepted("refused-1", Certainty.CONFIRMED, true);
        watch();
        await("failed", () -> sentStatus(referral.id()).startsWith("FAILED"));
        assertEquals(List.of("1 FAILED HTTP 401", "2 FAILED HTTP 401", "3 FAILED HTTP 401"), ledger.attempts(referral.id(), "sandbox"));
        assertTrue(sentStatus(referral.id()).contains("gave up after 3 attempts (HTTP 401)"));
        // FAILED is recorded as the error handler prepares the failure, just before it sends to the dead-letter queue
        await("dead-lettered", () -> camel.getEndpoint("seda:services-dlq", SedaEndpoint.class).getQueue().size() == 1);
        assertEquals(1, camel.getEndpoint("seda:services-dlq", SedaEndpoint.class).getQueue().size());
        assertEquals(3, audited.stream().filter(e -> e.kind() == AuditEntry.Kind.DISCLOSURE).count(), "each attempt is a disclosure");
        assertTrue(peer.tasks().isEmpty());
    }

    @Test
    void anOperatorListsTheFailedOnesAndMovesTheDeadLettersBackWhichAreThenSentAndAudited() throws Exception {
        providers.set(0, TestReferrals.provider("sandbox", peer.baseUrl(), auth("wrong-token")));
        Referral referral = accepted("resend-1", Certainty.CONFIRMED, true);
        watch();
        await("dead-lettered", () -> camel.getEndpoint("seda:services-dlq", SedaEndpoint.class).getQueue().size() == 1);
        List<org.safeharbor.fhir.services.ServicesReferrals.Summary> failed = ledger.list(ServicesLedger.Status.FAILED, 50);
        assertEquals(1, failed.size());
        assertEquals(List.of(referral.id(), "sandbox", "confirmed", "failed", 3), List.of(failed.get(0).referralId(), failed.get(0).provider(),
                failed.get(0).trigger(), failed.get(0).status(), failed.get(0).attempts()));
        assertTrue(failed.get(0).reason().contains("HTTP 401"), failed.get(0).reason());
        assertEquals(List.of(), ledger.list(ServicesLedger.Status.SENT, 50));

        providers.set(0, TestReferrals.provider("sandbox", peer.baseUrl(), auth(TOKEN))); // the operator fixed the token
        assertEquals(1, routes.resendDeadLetters("olu"));
        await("sent", () -> sentStatus(referral.id()).equals("SENT"));
        assertEquals(List.of("1 FAILED HTTP 401", "2 FAILED HTTP 401", "3 FAILED HTTP 401", "4 SENT"), ledger.attempts(referral.id(), "sandbox"));
        assertEquals(1, peer.tasks().size());
        assertEquals(0, camel.getEndpoint("seda:services-dlq", SedaEndpoint.class).getQueue().size());
        AuditEntry moved = audited.stream().filter(e -> e.kind() == AuditEntry.Kind.DEAD_LETTER_MOVE).findFirst().orElseThrow();
        assertEquals("olu", moved.actor().id());
        assertEquals(0, routes.resendDeadLetters("olu"), "nothing left to move");
        assertEquals("sent", ledger.list(null, 50).get(0).status());
    }

    @Test
    void aSecondCopyIsDroppedAndAResendMakesNoSecondTask() throws Exception {
        Referral referral = accepted("once-1", Certainty.CONFIRMED, true);
        watch();
        await("sent", () -> sentStatus(referral.id()).equals("SENT"));
        routes.queue(referral.id(), "sandbox");
        Thread.sleep(300);
        assertEquals(List.of("1 SENT"), ledger.attempts(referral.id(), "sandbox"), "a copy of a sent referral is not sent again");

        // the provider answered but the answer was lost: the same transaction again finds the Task it made
        try (ProviderClient client = new ProviderClient(FhirContext.forR4(), providers.get(0))) {
            Bundle again = FHIR.newJsonParser().parseResource(Bundle.class, ledger.payload(referral.id(), "sandbox"));
            ProviderClient.Created second = client.send(again);
            assertEquals(1, peer.tasks().size());
            assertEquals(peer.tasks().get(0).getIdElement().toUnqualifiedVersionless().getValue(), second.task());
        }
    }

    @Test
    void sentAndFailedReferralsAreDeletedPastTheirRetentionAndOpenOnesNever() throws Exception {
        Referral sent = accepted("kept-1", Certainty.CONFIRMED, true);
        watch();
        await("sent", () -> sentStatus(sent.id()).equals("SENT"));
        Instant now = Instant.now();
        assertEquals(0, ledger.purge(now.minus(Duration.ofDays(90)), now.minus(Duration.ofDays(365)), now.minus(Duration.ofDays(3))),
                "within its retention");
        Referral pending = TestReferrals.referral("pending-1", LocalDate.of(2010, 5, 6), AllegationType.SEX_TRAFFICKING, Certainty.CONFIRMED,
                true, now);
        ledger.record(pending.id(), "other", Trigger.CONFIRMED, "{}");
        assertEquals(1, ledger.purge(now.plusSeconds(60), now.plusSeconds(60), now.plusSeconds(60)), "the sent one, not the pending one");
        assertTrue(ledger.statuses(sent.id()).isEmpty());
        assertTrue(ledger.attempts(sent.id(), "sandbox").isEmpty());
        assertEquals("PENDING", ledger.status(pending.id(), "other"));
        assertTrue(audited.stream().anyMatch(e -> e.kind() == AuditEntry.Kind.RETENTION_PURGE && "1".equals(e.details().get("referrals"))));
    }

    @Test
    void onlyTheDocumentedFieldsReachTheProvider() throws Exception {
        Referral referral = accepted("minimum-1", Certainty.CONFIRMED, true);
        watch();
        await("sent", () -> sentStatus(referral.id()).equals("SENT"));
        String wire = peer.received().get(0);
        assertTrue(ServicesPayload.ELEMENTS.containsAll(ServicesPayloadTest.elements(wire)), ServicesPayloadTest.elements(wire).toString());
        for (String secret : new String[] {"Secret Lane", "78701", "Nurse", "512-555-0100", "T74.52", "US-TX"}) {
            assertFalse(wire.contains(secret), secret);
        }
        assertNull(ledger.statuses(new ReferralId("unknown")).stream().findFirst().orElse(null));
    }
}
