package org.safeharbor.jurisdiction.us.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLException;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.StateRejectedException;
import org.safeharbor.jurisdiction.us.tx.sandbox.TexasAgencyPeer;
import org.safeharbor.jurisdiction.us.tx.sandbox.TexasSandbox;
import org.safeharbor.jurisdiction.us.tx.wire.Agency;
import org.safeharbor.routes.JurisdictionPipeline;
import org.safeharbor.tck.ConformanceReferrals;
import org.safeharbor.tck.InMemoryPipeline;
import org.safeharbor.tck.RecordingStatusReporter;

/**
 * The adapter on the core's path with its queues in memory (the kit's {@link InMemoryPipeline}, a short retry policy)
 * against the two real HTTPS peers: what each peer received, what the StatusReporter got and where a referral that
 * could not be delivered went.
 */
class TexasDeliveryTest {

    static final Jurisdiction TX = Jurisdiction.of("US-TX");
    /** The adapter's own camel-http component (HttpsClient names it after the jurisdiction). */
    static final String HTTPS_COMPONENT = "us-tx-https";

    @TempDir
    Path dir;

    TexasAgencyPeer cps;
    TexasAgencyPeer lawEnforcement;
    final RecordingStatusReporter reporter = new RecordingStatusReporter();
    InMemoryPipeline path;
    /** Every HTTPS POST to an agency, retries included, counted as Camel sends it. */
    final AtomicInteger posts = new AtomicInteger();

    /** The adapter with its HTTP status entry unused here (see TexasStatusTest). */
    static class TestAdapter extends TexasAdapter {
        TestAdapter(Map<String, Object> config, RecordingStatusReporter reporter) {
            super(TestSupport.adapter(config), TestSupport.redelivery(config), reporter);
        }


        @Override
        protected String statusHttpEndpoint() {
            return "direct:status-http-unused";
        }
    }

    @BeforeEach
    void startPeers() throws Exception {
        cps = SandboxTls.agency(Agency.CPS_INTAKE, dir.resolve("cps-intake"));
        lawEnforcement = SandboxTls.agency(Agency.LAW_ENFORCEMENT, dir.resolve("law-enforcement"));
    }

    @AfterEach
    void stop() throws Exception {
        if (path != null) {
            path.close();
        }
        cps.stop();
        lawEnforcement.stop();
    }

    Map<String, Object> sandboxConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put("cpsIntakeUrl", cps.url());
        config.put("lawEnforcementUrl", lawEnforcement.url());
        config.put("trustStore", SandboxTls.trustStoreFile());
        config.put("_trustStorePassword", TexasSandbox.PASSWORD);
        // two retries, 10 then 20 ms
        config.put("maximumRedeliveries", 2);
        config.put("redeliveryDelay", "PT0.01S");
        config.put("redeliveryMultiplier", 2.0);
        config.put("maximumRedeliveryDelay", "PT0.04S");
        return config;
    }

    void startRoutes(TexasAdapter adapter) throws Exception {
        path = new InMemoryPipeline(adapter, reporter, TestSupport.CLOCK);
        path.camel().getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeSendingEvent sending
                        && sending.getEndpoint().getEndpointUri().startsWith(HTTPS_COMPONENT + ":")) {
                    posts.incrementAndGet();
                }
            }
        });
        path.start();
    }

    void startRoutes(Map<String, Object> config) throws Exception {
        startRoutes(new TestAdapter(config, reporter));
    }

    Exchange send(Referral referral) {
        return path.send(referral);
    }

    static Referral byRelation(PerpetratorRelation relation) {
        return referral(TX, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, relation,
                relation == PerpetratorRelation.UNKNOWN ? CaregiverRole.NOT_APPLICABLE : CaregiverRole.ACT));
    }

    // ------------------------------------------------------------------ the two routes

    @Test
    void outsideTheSandboxAnHttpsEndpointOnLoopbackTrustedThroughTheOperatorsTrustStoreIsDeliveredTo() throws Exception {
        // a local TLS proxy to the agency on this machine, played by the peer; the operator's trust store (a file)
        // holds its certificate, as it would outside the sandbox.
        Path trustStore = dir.resolve("operator-trust.p12");
        try (var out = Files.newOutputStream(trustStore)) {
            SandboxTls.trust().store(out, "operator-secret".toCharArray());
        }
        Map<String, Object> config = sandboxConfig();
        config.put("trustStore", trustStore.toString());
        config.put("_trustStorePassword", "operator-secret");
        assertTrue(cps.url().startsWith("https://localhost:"), cps.url());
        startRoutes(new TestAdapter(config, reporter));

        Exchange exchange = send(byRelation(PerpetratorRelation.PARENT));

        assertFalse(exchange.isFailed(), () -> String.valueOf(exchange.getException()));
        assertEquals(1, cps.deliveries().size());
        assertEquals(DeliveryStatus.ACKNOWLEDGED, single(reporter.updates()).status());
    }

    @Test
    void aCaregiverTraffickerGoesToCpsIntakeOnly() throws Exception {
        startRoutes(sandboxConfig());
        Referral referral = byRelation(PerpetratorRelation.PARENT);

        Exchange exchange = send(referral);

        assertFalse(exchange.isFailed(), () -> String.valueOf(exchange.getException()));
        assertEquals(0, lawEnforcement.deliveries().size(), "a caregiver trafficker is not a law-enforcement notice");
        TexasAgencyPeer.Delivery delivery = cps.deliveries().get(0);
        assertEquals(referral.id().value(), delivery.referralId());
        Referral received = new TexasNiemFormat(java.time.Duration.ofHours(24)).read(delivery.document());
        Allegation a = received.allegations().get(0);
        assertEquals(List.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.PARENT, CaregiverRole.ACT),
                List.of(a.type(), a.certainty(), a.perpetrator(), a.caregiverRole()));
        assertTrue(delivery.document().contains("<ext:ReportRouteCode>cps-investigation</ext:ReportRouteCode>"));
        assertFalse(delivery.document().contains("LawEnforcementNotificationDueDateTime"), "no law-enforcement clock for CPS");
        assertOnlyDeclaredFields(delivery.document());
        assertEquals(delivery.document(), Files.readString(dir.resolve("cps-intake").resolve(referral.id().value() + ".xml")));

        StatusUpdate ack = single(reporter.updates());
        assertEquals(DeliveryStatus.ACKNOWLEDGED, ack.status());
        assertEquals("TX-CPS-2026-000001", ack.stateIntakeNumber());
        assertEquals(referral.id(), ack.referralId());
        assertEquals(TX, ack.jurisdiction());
    }

    @Test
    void aNonCaregiverTraffickerGoesToLawEnforcementOnly() throws Exception {
        startRoutes(sandboxConfig());
        Referral referral = byRelation(PerpetratorRelation.NON_FAMILY);

        Exchange exchange = send(referral);

        assertFalse(exchange.isFailed(), () -> String.valueOf(exchange.getException()));
        assertEquals(0, cps.deliveries().size(), "CPS investigates only caregiver traffickers (§2380)");
        TexasAgencyPeer.Delivery delivery = lawEnforcement.deliveries().get(0);
        assertTrue(delivery.document().contains("<ext:ReportRouteCode>law-enforcement-notice</ext:ReportRouteCode>"));
        assertTrue(delivery.document().contains(
                "<ext:LawEnforcementNotificationDueDateTime>2026-11-22T10:15:30Z</ext:LawEnforcementNotificationDueDateTime>"));
        assertTrue(Files.exists(dir.resolve("law-enforcement").resolve(referral.id().value() + ".xml")));
        StatusUpdate ack = single(reporter.updates());
        assertEquals(DeliveryStatus.ACKNOWLEDGED, ack.status());
        assertEquals("TX-LE-2026-000001", ack.stateIntakeNumber());
    }

    /**
     * A foster child's at-risk signal (42 U.S.C. 671(a)(34), the format's child-in-care rule) goes to CPS intake only, as
     * an ext:ChildInCareRiskSignal the peer validates against the bundle's schema before acknowledging it; telling law
     * enforcement is DFPS' duty, on its own clock (no LawEnforcementNotificationDueDateTime).
     */
    @Test
    void aFosterChildsAtRiskSignalGoesToCpsIntakeValidatedAsASignal() throws Exception {
        startRoutes(sandboxConfig());
        Referral r = referral(TX, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK));
        Referral referral = new Referral(r.id(), r.child(), r.placeOfCare(), r.reporter(), r.receivedAt(), r.occurredAt(),
                r.allegations(), r.source(), org.safeharbor.api.v1.CareStatus.FOSTER_CARE, false);

        Exchange exchange = send(referral);

        assertFalse(exchange.isFailed(), () -> String.valueOf(exchange.getException()));
        assertEquals(0, lawEnforcement.deliveries().size(), "the signal is DFPS' to act on (and to tell law enforcement)");
        String document = cps.deliveries().get(0).document();
        assertTrue(document.contains("<ext:ReportRouteCode>cps-child-in-care</ext:ReportRouteCode>"), document);
        assertTrue(document.contains("<ext:RiskSignalFormCode>sex-trafficking</ext:RiskSignalFormCode>"), document);
        assertFalse(document.contains("JuvenileAbuseNeglectAllegation") || document.contains("LawEnforcementNotificationDueDateTime"));
        assertEquals(List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK)),
                new TexasNiemFormat(java.time.Duration.ofHours(24)).read(document).allegations(), "validated, and at-risk only");
        StatusUpdate ack = single(reporter.updates());
        assertEquals(DeliveryStatus.ACKNOWLEDGED, ack.status());
        assertEquals("TX-CPS-2026-000001", ack.stateIntakeNumber());
        assertTrue(ack.reason().startsWith("Texas CPS intake (child in DFPS care)"), ack.reason());
    }

    @Test
    void anUndeterminedTraffickerGoesToBothSoNoCaseFallsBetween() throws Exception {
        startRoutes(sandboxConfig());
        Referral referral = byRelation(PerpetratorRelation.UNKNOWN);

        Exchange exchange = send(referral);

        assertFalse(exchange.isFailed(), () -> String.valueOf(exchange.getException()));
        assertEquals(1, cps.deliveries().size());
        assertEquals(1, lawEnforcement.deliveries().size());
        assertEquals(cps.deliveries().get(0).document(), lawEnforcement.deliveries().get(0).document(), "the same report to both");
        StatusUpdate ack = single(reporter.updates());
        assertEquals(DeliveryStatus.ACKNOWLEDGED, ack.status());
        assertEquals("TX-LE-2026-000001, TX-CPS-2026-000001", ack.stateIntakeNumber());
    }

    @Test
    void aRedeliveryKeepsTheSameNumber() throws Exception {
        startRoutes(sandboxConfig());
        Referral referral = byRelation(PerpetratorRelation.PARENT);
        send(referral);
        send(referral);
        assertEquals(2, cps.deliveries().size());
        assertEquals(List.of("TX-CPS-2026-000001", "TX-CPS-2026-000001"),
                reporter.updates().stream().map(StatusUpdate::stateIntakeNumber).toList());
    }

    // ------------------------------------------------------------------ nothing for Texas

    @Test
    void aRiskSignalAloneIsNotSent() throws Exception {
        startRoutes(sandboxConfig());
        Exchange exchange = send(referral(TX, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK)));
        assertFalse(exchange.isFailed());
        assertEquals(DeliveryStatus.NOT_SENT, single(reporter.updates()).status());
        assertTrue(cps.deliveries().isEmpty() && lawEnforcement.deliveries().isEmpty());
    }

    @Test
    void aReferralOutsideTexasIsNotSent() throws Exception {
        startRoutes(sandboxConfig());
        send(referral(Jurisdiction.of("US-IL"), allegation(AllegationType.SEX_TRAFFICKING, Certainty.CONFIRMED,
                PerpetratorRelation.PARENT, CaregiverRole.ACT)));
        assertEquals(DeliveryStatus.NOT_SENT, single(reporter.updates()).status());
        assertTrue(cps.deliveries().isEmpty() && lawEnforcement.deliveries().isEmpty());
    }

    // ------------------------------------------------------------------ failures keep the referral

    @Test
    void aReportThePeerRejectsIsQuarantinedAndReportedRejectedAtOnce() throws Exception {
        // a broken format: writes a certainty the schema does not admit
        StateFormat broken = new BrokenFormat(new TexasNiemFormat(java.time.Duration.ofHours(24)));
        startRoutes(new TestAdapter(sandboxConfig(), reporter) {
            @Override
            public StateFormat format() {
                return broken;
            }
        });
        Referral referral = byRelation(PerpetratorRelation.PARENT);

        Exchange exchange = send(referral);

        assertFalse(exchange.isFailed(), () -> "the refusal is handled (quarantine), not left to the queue: " + exchange.getException());
        assertEquals(1, posts.get(), "a 400 is not retried: it would only be refused again");
        StateRejectedException refusal = assertInstanceOf(StateRejectedException.class,
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        assertTrue(refusal.getMessage().contains("/cps/intake) answered HTTP 400"), refusal.getMessage());
        assertTrue(cps.deliveries().isEmpty(), "the peer recorded an invalid report");
        assertEquals(List.of(ReferralJson.INSTANCE.write(referral)), path.quarantined(), "the canonical referral, not the state payload");
        assertTrue(path.deadLetters().isEmpty());
        StatusUpdate rejected = single(reporter.updates());
        assertEquals(DeliveryStatus.REJECTED, rejected.status());
        assertEquals(referral.id(), rejected.referralId());
        assertNull(rejected.stateIntakeNumber());
        assertTrue(rejected.reason().contains("/cps/intake) answered HTTP 400"), rejected.reason());
        assertNoPersonalData(rejected.reason());
    }

    @Test
    void aPeerThatIsDownIsRetriedThenDeadLettered() throws Exception {
        startRoutes(sandboxConfig());
        lawEnforcement.stop();
        Referral referral = byRelation(PerpetratorRelation.NON_FAMILY);

        Exchange exchange = send(referral);

        assertFalse(exchange.isFailed(), () -> "the dead-letter channel takes it: " + exchange.getException());
        assertEquals(3, posts.get(), "the first attempt and two retries");
        assertEquals(List.of(ReferralJson.INSTANCE.write(referral)), path.deadLetters(), "the canonical referral, not the state payload");
        assertTrue(path.quarantined().isEmpty(), "a passing failure is no refusal");
        StatusUpdate failed = single(reporter.updates());
        assertEquals(DeliveryStatus.FAILED, failed.status(), "nothing may be reported delivered");
        assertTrue(failed.reason().contains("3 attempts"), failed.reason());
        assertNoPersonalData(failed.reason());
    }

    @Test
    void whenOneOfTwoAgenciesFailsNothingIsAcknowledged() throws Exception {
        startRoutes(sandboxConfig());
        cps.stop();
        Referral referral = byRelation(PerpetratorRelation.MULTIPLE);

        Exchange exchange = send(referral);

        assertFalse(exchange.isFailed(), () -> String.valueOf(exchange.getException()));
        assertEquals(3, lawEnforcement.deliveries().size(), "each attempt sends to both again, law enforcement first");
        assertEquals(List.of(ReferralJson.INSTANCE.write(referral)), path.deadLetters(), "the report waits for an operator until both agencies have it");
        assertEquals(List.of(DeliveryStatus.FAILED), reporter.updates().stream().map(StatusUpdate::status).toList());
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        Map<String, Object> config = sandboxConfig();
        config.put("trustStore", ""); // the JVM's default trust does not know the sandbox certificate
        startRoutes(config);
        Referral referral = byRelation(PerpetratorRelation.PARENT);

        Exchange exchange = send(referral);

        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        assertNotNull(causeOf(caught, SSLException.class), String.valueOf(caught));
        assertEquals(3, posts.get(), "an untrusted certificate may be a passing misconfiguration: retried");
        assertTrue(cps.deliveries().isEmpty());
        assertEquals(List.of(ReferralJson.INSTANCE.write(referral)), path.deadLetters());
        assertEquals(DeliveryStatus.FAILED, single(reporter.updates()).status());
    }

    @Test
    void configuredCredentialsAreSentAndMissingOnesRefused() throws Exception {
        cps.requireBasicAuth("tx-hospital", "s3cret:pa)ss");
        startRoutes(sandboxConfig());
        Exchange without = send(byRelation(PerpetratorRelation.PARENT));
        assertEquals(401, assertInstanceOf(HttpOperationFailedException.class,
                without.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)).getStatusCode());
        assertEquals(3, posts.get(), "a 401 is retried (credentials may be fixed meanwhile), not quarantined");
        assertEquals(1, path.deadLetters().size());
        assertTrue(path.quarantined().isEmpty());
        assertEquals(DeliveryStatus.FAILED, single(reporter.updates()).status());
        assertTrue(cps.deliveries().isEmpty());
        path.close();

        Map<String, Object> config = sandboxConfig();
        config.put("username", "tx-hospital");
        config.put("_password", "s3cret:pa)ss");
        startRoutes(config);
        Exchange with = send(byRelation(PerpetratorRelation.PARENT));
        assertFalse(with.isFailed(), () -> String.valueOf(with.getException()));
        assertEquals(2, reporter.updates().size(), () -> String.valueOf(reporter.updates()));
        StatusUpdate ack = reporter.updates().get(1);
        assertEquals(DeliveryStatus.ACKNOWLEDGED, ack.status());
        assertEquals("TX-CPS-2026-000001", ack.stateIntakeNumber());
    }

    // ------------------------------------------------------------------ retry policy from the configuration

    @Test
    void theRetryPolicyIsConfigured() {
        assertEquals(Redelivery.DEFAULT, new TexasAdapter(TestSupport.defaults(), TestSupport.redelivery(Map.of()), reporter).redelivery(),
                "the metatype defaults are the base class's: 6 retries from 2 s doubling up to 5 min");
        Map<String, Object> config = new HashMap<>();
        config.put("maximumRedeliveries", 3);
        config.put("redeliveryDelay", "PT5S");
        config.put("redeliveryMultiplier", 3.0);
        config.put("maximumRedeliveryDelay", "PT1M");
        assertEquals(new Redelivery(3, java.time.Duration.ofSeconds(5), 3.0, java.time.Duration.ofMinutes(1)),
                new TexasAdapter(TestSupport.adapter(config), TestSupport.redelivery(config), reporter).redelivery());
    }

    @Test
    void anInvalidRetryPolicyFailsTheActivation() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("maximumRedeliveries", -1),
                Map.of("redeliveryDelay", "2 seconds"), Map.of("redeliveryDelay", "-PT2S"),
                Map.of("redeliveryMultiplier", 0.5), Map.of("maximumRedeliveryDelay", ""))) {
            assertThrows(IllegalArgumentException.class,
                    () -> new TexasAdapter(TestSupport.adapter(bad), TestSupport.redelivery(bad), reporter), bad::toString);
        }
    }

    /**
     * A configuration change re-creates the DS component; the core removes the old routes and adds the new
     * ones to the same CamelContext (JurisdictionRegistry). The new configuration must then be in force, not
     * an endpoint or HTTP component cached from the old one.
     */
    @Test
    void aNewConfigurationIsAppliedToTheSameContext() throws Exception {
        Map<String, Object> first = sandboxConfig();
        first.put("trustStore", ""); // JVM default trust: the sandbox certificate is refused
        startRoutes(first);
        Exchange refused = send(byRelation(PerpetratorRelation.PARENT));
        assertNotNull(causeOf(refused.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class), SSLException.class),
                "the first configuration should not trust the sandbox");
        assertEquals(DeliveryStatus.FAILED, single(reporter.updates()).status());

        // as JurisdictionRegistry.removeRoutes does, then the re-created component's routes in the same context
        CamelContext camel = path.camel();
        for (Route route : List.copyOf(camel.getRoutes())) {
            camel.getRouteController().stopRoute(route.getRouteId());
            camel.removeRoute(route.getRouteId());
        }
        TexasAdapter renewed = new TestAdapter(sandboxConfig(), reporter);
        camel.addRoutes(new JurisdictionPipeline(renewed, renewed, reporter, TestSupport.CLOCK, InMemoryPipeline.queues()));

        Exchange exchange = send(byRelation(PerpetratorRelation.PARENT));
        assertFalse(exchange.isFailed(), () -> "the new trust store is not in force: " + exchange.getException());
        assertEquals(DeliveryStatus.ACKNOWLEDGED, reporter.updates().get(1).status(),
                () -> "the new trust store is not in force: " + reporter.updates());
        assertEquals("TX-CPS-2026-000001", reporter.updates().get(1).stateIntakeNumber());
    }

    // ------------------------------------------------------------------ helpers

    /** Nothing of a field the format does not declare reached the peer. */
    private static void assertOnlyDeclaredFields(String document) {
        Set<ReferralField> declared = new TexasNiemFormat(java.time.Duration.ofHours(24)).disclosedFields();
        ConformanceReferrals.TELLTALES.forEach((field, values) -> {
            if (!declared.contains(field)) {
                values.forEach(v -> assertFalse(document.contains(v), field + " reached the peer: " + v));
            }
        });
        assertFalse(document.contains("FEMALE") || document.contains("female"), "the child's sex is not declared");
    }

    /** A status reason is shown to the hospital and logged: nothing of the referral's personal data. */
    private static void assertNoPersonalData(String reason) {
        ConformanceReferrals.TELLTALES.forEach((field, values) ->
                values.forEach(v -> assertFalse(reason.contains(v), field + " in the reason: " + reason)));
    }

    private static StatusUpdate single(List<StatusUpdate> updates) {
        assertEquals(1, updates.size(), () -> "expected one status, got " + updates);
        return updates.get(0);
    }

    private static Throwable causeOf(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return c;
            }
        }
        return null;
    }

    /** Writes what the real format writes, with a certainty the schema refuses. */
    private record BrokenFormat(StateFormat real) implements StateFormat {
        public String mediaType() { return real.mediaType(); }
        public Optional<String> write(Referral referral) {
            return real.write(referral).map(xml -> xml.replace("<ext:AllegationCertaintyCode>suspected<",
                    "<ext:AllegationCertaintyCode>at-risk<"));
        }
        public Referral read(String payload) { return real.read(payload); }
        public Set<ReferralField> disclosedFields() { return real.disclosedFields(); }
        public Map<AllegationType, String> unsupportedTypes() { return real.unsupportedTypes(); }
        public Optional<String> atRiskRule() { return real.atRiskRule(); }
    }
}
