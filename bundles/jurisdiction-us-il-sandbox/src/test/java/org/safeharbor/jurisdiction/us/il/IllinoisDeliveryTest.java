package org.safeharbor.jurisdiction.us.il;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.jurisdiction.support.v1.StateRejectedException;
import org.safeharbor.jurisdiction.us.il.sandbox.IllinoisIntakePeer;
import org.safeharbor.jurisdiction.us.il.sandbox.IllinoisIntakePeer.Delivery;
import org.safeharbor.jurisdiction.us.il.wire.IntakeAllegationType;
import org.safeharbor.tck.ConformanceReferrals;

/** Delivery over SOAP to the real sandbox peer, and what the core is told. */
class IllinoisDeliveryTest extends IllinoisPeerFixture {

    /** A non-caregiver's sex trafficking, a parent's failure to protect from labor trafficking, and a risk signal. */
    private static Referral threeFindings() {
        return referral(IllinoisAdapter.US_IL,
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.NOT_APPLICABLE),
                allegation(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED, PerpetratorRelation.PARENT, CaregiverRole.FAILURE_TO_PROTECT),
                Allegation.of(AllegationType.SURVIVAL_SEX, Certainty.AT_RISK));
    }

    @Test
    void thePeerValidatesRecordsAndAcknowledgesAndTheCoreGetsTheIntakeNumber() throws Exception {
        startAdapter();
        Referral referral = threeFindings();

        Exchange exchange = deliver(referral);

        assertNull(exchange.getException(), () -> "delivery failed: " + exchange.getException());
        List<Delivery> received = peer.deliveries();
        assertEquals(1, received.size());
        Delivery delivery = received.get(0);
        assertEquals(referral.id().value(), delivery.referralId());
        // the right public codes: trafficking by a non-caregiver is abuse (40), a parent's failure to protect is 90
        assertEquals(List.of("40", "90"), delivery.report().getAllegation().stream().map(IntakeAllegationType::getCode).toList());
        assertEquals(List.of("sex-trafficking", "labor-trafficking"),
                delivery.report().getAllegation().stream().map(a -> a.getTraffickingType().value()).toList(),
                "the risk signal was not sent");
        // only the declared fields reached the state
        Set<ReferralField> declared = adapter.format().disclosedFields();
        ConformanceReferrals.TELLTALES.forEach((field, values) -> {
            if (!declared.contains(field)) {
                values.forEach(v -> assertFalse(delivery.xml().contains(v), field + " reached the state"));
            }
        });
        assertFalse(delivery.xml().contains("zq-evidence-17"));
        // recorded as one file named by the referral id
        assertEquals(delivery.xml(), Files.readString(records.resolve(referral.id().value() + ".xml")));

        assertEquals(1, reporter.updates().size());
        StatusUpdate update = reporter.updates().get(0);
        assertEquals(DeliveryStatus.ACKNOWLEDGED, update.status());
        assertEquals(delivery.intakeNumber(), update.stateIntakeNumber());
        assertTrue(update.stateIntakeNumber().matches("IL-2026-\\d{6}"), update.stateIntakeNumber());
        assertEquals(referral.id(), update.referralId());
        assertEquals(IllinoisAdapter.US_IL, update.jurisdiction());
    }

    @Test
    void theConfiguredCredentialsReachTheState() throws Exception {
        peer.stop();
        peer = new IllinoisIntakePeer("127.0.0.1", 0, records, CLOCK)
                .requireCredentials("safeharbor", "pa55").start();

        startAdapter(Map.of("username", "safeharbor", "_password", "wrong"), UnaryOperator.identity());
        // not a refusal of the report: retried, then dead-lettered for an operator to fix the credentials
        Exchange refused = deliver(threeFindings());
        assertInstanceOf(IllinoisDeliveryException.class, refused.getProperty(Exchange.EXCEPTION_CAUGHT));
        assertTrue(peer.deliveries().isEmpty());
        assertEquals(1, deadLetters().size());
        assertEquals(List.of(DeliveryStatus.FAILED), reporter.statuses());
        path.close();
        adapter.close();

        startAdapter(Map.of("username", "safeharbor", "_password", "pa55"), UnaryOperator.identity());
        assertNull(deliver(threeFindings()).getException());
        assertEquals(1, peer.deliveries().size());
        assertEquals(List.of(DeliveryStatus.FAILED, DeliveryStatus.ACKNOWLEDGED), reporter.statuses());
        assertTrue(deadLetters().isEmpty());
    }

    @Test
    void outsideTheSandboxAnHttpsIntakeOnLoopbackTrustedThroughTheOperatorsTrustStoreIsDeliveredTo(@TempDir Path tls) throws Exception {
        // a local TLS proxy to the SCR on 127.0.0.1, played by the peer with its own certificate; the
        // operator's trust store holds that certificate. Outside the sandbox only http:// is refused.
        char[] password = "operator-secret".toCharArray();
        Path keyStore = tls.resolve("proxy.p12");
        Path trustStore = tls.resolve("trust.p12");
        LocalhostCertificate.create(keyStore, trustStore, password);
        peer.stop();
        peer = new IllinoisIntakePeer("127.0.0.1", 0, records, CLOCK).tls(keyStore, password).start();
        assertTrue(peer.intakeUrl().startsWith("https://127.0.0.1:"), peer.intakeUrl());

        startAdapter(Map.of("intakeUrl", peer.intakeUrl(), "trustStore", trustStore.toString(),
                "_trustStorePassword", new String(password)), UnaryOperator.identity(), false);
        Exchange exchange = deliver(threeFindings());

        assertNull(exchange.getException(), () -> "delivery failed: " + exchange.getException());
        assertNull(exchange.getProperty(Exchange.EXCEPTION_CAUGHT), () -> "delivery failed: " + exchange.getProperty(Exchange.EXCEPTION_CAUGHT));
        assertEquals(1, peer.deliveries().size());
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED), reporter.statuses());
    }

    @Test
    void anHttpsIntakeWhoseCertificateIsNotTrustedIsNotDeliveredTo(@TempDir Path tls) throws Exception {
        char[] password = "operator-secret".toCharArray();
        LocalhostCertificate.create(tls.resolve("proxy.p12"), tls.resolve("trust.p12"), password);
        peer.stop();
        peer = new IllinoisIntakePeer("127.0.0.1", 0, records, CLOCK).tls(tls.resolve("proxy.p12"), password).start();

        // the JVM's default trust does not know the self-signed certificate: retried, then dead-lettered
        startAdapter(Map.of("intakeUrl", peer.intakeUrl()), UnaryOperator.identity(), false);
        deliver(threeFindings());

        assertTrue(peer.deliveries().isEmpty());
        assertEquals(List.of(DeliveryStatus.FAILED), reporter.statuses());
    }

    @Test
    void aRedeliveryIsAnnouncedByItsAttemptNumberAndGetsTheSameIntakeNumber() throws Exception {
        startAdapter();
        Referral referral = threeFindings();
        deliver(referral);
        deliver(referral);

        assertEquals(2, peer.deliveries().size());
        assertEquals(List.of(1, 2), peer.deliveries().stream().map(Delivery::attempt).toList(), "the attempt travels as an HTTP header");
        assertEquals(List.of(false, true), peer.deliveries().stream().map(Delivery::redelivery).toList(), "the peer de-duplicated it");
        assertEquals(referral.id().value(), peer.deliveries().get(1).referralId());
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.ACKNOWLEDGED), reporter.statuses());
        assertEquals(reporter.updates().get(0).stateIntakeNumber(), reporter.updates().get(1).stateIntakeNumber());
        assertTrue(Files.exists(records.resolve(referral.id().value() + ".xml")));
    }

    @Test
    void aReferralWithNothingForIllinoisIsNotSent() throws Exception {
        startAdapter();
        Referral onlyRisk = referral(IllinoisAdapter.US_IL, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK));
        Referral texasCase = referral(Jurisdiction.of("US-TX"), Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.CONFIRMED));

        assertNull(deliver(onlyRisk).getException());
        assertNull(deliver(texasCase).getException());

        assertTrue(peer.deliveries().isEmpty());
        assertEquals(List.of(DeliveryStatus.NOT_SENT, DeliveryStatus.NOT_SENT), reporter.statuses());
    }

    @Test
    void aReportThePeersSchemaRefusesIsQuarantinedAtOnceAndRejectedWithoutPersonalData() throws Exception {
        // an allegation code outside Appendix B's 40/90
        startAdapter(Map.of(), payload -> payload.replace("<Code>40</Code>", "<Code>41</Code>"));
        Referral referral = threeFindings();

        Exchange exchange = deliver(referral);

        assertNull(exchange.getException(), "a refusal is handled: quarantined, not left failing on the queue");
        Exception refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        assertInstanceOf(StateRejectedException.class, refusal);
        String message = refusal.getMessage();
        assertTrue(message.contains("SOAP fault"), message);
        assertNull(refusal.getCause(), "the state's fault text may quote the payload");
        assertFalse(message.contains("Zyxquor") || message.contains("41"), message);
        assertNull(exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER), "no retry: it would only be refused again");
        assertTrue(peer.deliveries().isEmpty(), "the peer recorded a report it refused");
        assertEquals(List.of(ReferralJson.INSTANCE.write(referral)), quarantined(), "the canonical referral is quarantined");
        assertTrue(deadLetters().isEmpty());
        assertEquals(List.of(DeliveryStatus.REJECTED), reporter.statuses(), "a refused report was reported as delivered");
        StatusUpdate update = reporter.updates().get(0);
        assertNull(update.stateIntakeNumber());
        assertTrue(update.reason().contains("SOAP fault"), update.reason());
        assertFalse(update.reason().contains("Zyxquor") || update.reason().contains("41"), update.reason());
        ConformanceReferrals.TELLTALES.values().forEach(values ->
                values.forEach(v -> assertFalse(update.reason().contains(v), "personal data in the reason: " + update.reason())));
    }

    @Test
    void aReportBreakingTheCodeRuleGetsTheInvalidReportFaultAndIsQuarantinedAsRejected() throws Exception {
        // schema-valid, but 90 is only a caregiver's failure to protect
        UnaryOperator<String> abuseAsNeglect = payload -> payload.replace("<Code>40</Code>", "<Code>90</Code>");
        startAdapter(Map.of(), abuseAsNeglect);
        Referral referral = threeFindings();

        Exchange exchange = deliver(referral);

        assertNull(exchange.getException());
        Exception refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        assertInstanceOf(StateRejectedException.class, refusal);
        assertTrue(refusal.getMessage().contains("(InvalidReport)"), refusal.getMessage());
        assertNull(exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER), "no retry: it would only be refused again");
        assertTrue(peer.deliveries().isEmpty());
        assertEquals(List.of(ReferralJson.INSTANCE.write(referral)), quarantined());
        assertTrue(deadLetters().isEmpty());
        assertEquals(List.of(DeliveryStatus.REJECTED), reporter.statuses());
        String reason = reporter.updates().get(0).reason();
        assertTrue(reason.contains("(InvalidReport)"), reason);
        assertFalse(reason.contains("caregiver role"), "the state's fault text may quote the payload: " + reason);
        ConformanceReferrals.TELLTALES.values().forEach(values ->
                values.forEach(v -> assertFalse(reason.contains(v), "personal data in the reason: " + reason)));
    }

    @Test
    void aPeerThatIsDownIsRetriedThenTheReferralIsDeadLetteredAndFailed() throws Exception {
        startAdapter();
        peer.stop();
        Referral referral = threeFindings();

        Exchange exchange = deliver(referral);

        assertNull(exchange.getException(), "handled by the dead-letter channel");
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        assertInstanceOf(IllinoisDeliveryException.class, failure);
        assertFalse(failure instanceof StateRejectedException, "a connection failure is not a refusal");
        assertNotNull(rootCause(failure, ConnectException.class), "the connection failure is kept as the cause");
        assertEquals(List.of(ReferralJson.INSTANCE.write(referral)), deadLetters(),
                "the canonical referral, not the SOAP payload, is on the dead-letter queue");
        assertTrue(quarantined().isEmpty());
        assertEquals(List.of(DeliveryStatus.FAILED), reporter.statuses(), "nothing reached the state, yet " + reporter.statuses());
        StatusUpdate update = reporter.updates().get(0);
        assertNull(update.stateIntakeNumber());
        assertTrue(update.reason().contains((RETRIES + 1) + " attempts"), "retried first: " + update.reason());
        assertTrue(update.reason().contains("IllinoisDeliveryException"), update.reason());
    }

    private static Throwable rootCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }
}
