package org.safeharbor.jurisdiction.us.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.SSLException;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
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
import org.safeharbor.jurisdiction.us.tx.sandbox.TexasAgencyPeer;
import org.safeharbor.tck.ConformanceReferrals;

/**
 * The routes in a plain CamelContext (the queue replaced by {@code direct:queue}) against the two real HTTPS
 * peers: what each peer received and what the StatusReporter got.
 */
class TexasDeliveryTest {

    static final Jurisdiction TX = Jurisdiction.of("US-TX");

    @TempDir
    Path dir;

    TexasAgencyPeer cps;
    TexasAgencyPeer lawEnforcement;
    final TestSupport.RecordingReporter reporter = new TestSupport.RecordingReporter();
    DefaultCamelContext camel;

    /** The adapter with the queue replaced, and its HTTP status entry unused here (see TexasStatusTest). */
    static class TestAdapter extends TexasAdapter {
        TestAdapter(Config config, TestSupport.RecordingReporter reporter) {
            super(config, reporter, TestSupport.CLOCK);
        }

        @Override
        protected String queueEndpoint() {
            return "direct:queue";
        }

        @Override
        protected String statusHttpEndpoint() {
            return "direct:status-http-unused";
        }
    }

    @BeforeEach
    void startPeers() throws Exception {
        KeyStore keys = TlsStores.load(TlsStores.SANDBOX_KEY_STORE, TlsStores.SANDBOX_PASSWORD);
        cps = new TexasAgencyPeer(Agency.CPS_INTAKE, "127.0.0.1", 0, keys, TlsStores.SANDBOX_PASSWORD,
                dir.resolve("cps-intake"), TestSupport.CLOCK);
        lawEnforcement = new TexasAgencyPeer(Agency.LAW_ENFORCEMENT, "127.0.0.1", 0, keys, TlsStores.SANDBOX_PASSWORD,
                dir.resolve("law-enforcement"), TestSupport.CLOCK);
        cps.start();
        lawEnforcement.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (camel != null) {
            camel.stop();
        }
        cps.stop();
        lawEnforcement.stop();
    }

    Map<String, Object> sandboxConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put("cpsIntakeUrl", cps.url());
        config.put("lawEnforcementUrl", lawEnforcement.url());
        config.put("trustStore", TlsStores.SANDBOX_TRUST_STORE);
        config.put("trustStorePassword", TlsStores.SANDBOX_PASSWORD);
        return config;
    }

    void startRoutes(TexasAdapter adapter) throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(adapter);
        camel.start();
    }

    void startRoutes(Map<String, Object> config) throws Exception {
        startRoutes(new TestAdapter(TestSupport.config(TexasAdapter.Config.class, config), reporter));
    }

    Exchange send(Referral referral) {
        return camel.createProducerTemplate().send("direct:queue",
                e -> e.getMessage().setBody(ReferralJson.INSTANCE.write(referral)));
    }

    static Referral byRelation(PerpetratorRelation relation) {
        return referral(TX, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, relation,
                relation == PerpetratorRelation.UNKNOWN ? CaregiverRole.NOT_APPLICABLE : CaregiverRole.ACT));
    }

    // ------------------------------------------------------------------ the two routes

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
    void aReportThePeerRejectsFailsTheExchange() throws Exception {
        // a broken format: writes a certainty the schema does not admit
        StateFormat broken = new BrokenFormat(new TexasNiemFormat(java.time.Duration.ofHours(24)));
        startRoutes(new TestAdapter(TestSupport.config(TexasAdapter.Config.class, sandboxConfig()), reporter) {
            @Override
            public StateFormat format() {
                return broken;
            }
        });

        Exchange exchange = send(byRelation(PerpetratorRelation.PARENT));

        assertTrue(exchange.isFailed(), "a 400 must fail the exchange so the queue keeps the referral");
        HttpOperationFailedException failure = assertInstanceOf(HttpOperationFailedException.class, exchange.getException());
        assertEquals(400, failure.getStatusCode());
        assertTrue(cps.deliveries().isEmpty(), "the peer recorded an invalid report");
        assertTrue(reporter.updates().isEmpty(), "something was reported for a rejected report");
    }

    @Test
    void aPeerThatIsDownFailsTheExchange() throws Exception {
        startRoutes(sandboxConfig());
        lawEnforcement.stop();

        Exchange exchange = send(byRelation(PerpetratorRelation.NON_FAMILY));

        assertTrue(exchange.isFailed());
        assertTrue(reporter.updates().isEmpty(), "nothing may be reported delivered");
    }

    @Test
    void whenOneOfTwoAgenciesFailsNothingIsReported() throws Exception {
        startRoutes(sandboxConfig());
        cps.stop();

        Exchange exchange = send(byRelation(PerpetratorRelation.MULTIPLE));

        assertTrue(exchange.isFailed(), "the report must stay on the queue until both agencies have it");
        assertTrue(reporter.updates().isEmpty());
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        Map<String, Object> config = sandboxConfig();
        config.put("trustStore", ""); // the JVM's default trust does not know the sandbox certificate
        startRoutes(config);

        Exchange exchange = send(byRelation(PerpetratorRelation.PARENT));

        assertTrue(exchange.isFailed());
        assertNotNull(causeOf(exchange.getException(), SSLException.class), String.valueOf(exchange.getException()));
        assertTrue(cps.deliveries().isEmpty());
        assertTrue(reporter.updates().isEmpty());
    }

    @Test
    void configuredCredentialsAreSentAndMissingOnesRefused() throws Exception {
        cps.requireBasicAuth("tx-hospital", "s3cret:pa)ss");
        startRoutes(sandboxConfig());
        Exchange without = send(byRelation(PerpetratorRelation.PARENT));
        assertEquals(401, assertInstanceOf(HttpOperationFailedException.class, without.getException()).getStatusCode());
        camel.stop();

        Map<String, Object> config = sandboxConfig();
        config.put("username", "tx-hospital");
        config.put("_password", "s3cret:pa)ss");
        startRoutes(config);
        Exchange with = send(byRelation(PerpetratorRelation.PARENT));
        assertFalse(with.isFailed(), () -> String.valueOf(with.getException()));
        assertEquals("TX-CPS-2026-000001", single(reporter.updates()).stateIntakeNumber());
    }

    /**
     * A configuration change re-creates the DS component; the core removes the old routes and adds the new
     * ones to the same CamelContext (JurisdictionRegistry). The new configuration must then be in force, not
     * an endpoint or HTTP component cached from the old one.
     */
    @Test
    void aNewConfigurationIsAppliedToTheSameContext() throws Exception {
        camel = new DefaultCamelContext();
        camel.start();
        Map<String, Object> first = sandboxConfig();
        first.put("trustStore", ""); // JVM default trust: the sandbox certificate is refused
        TexasAdapter old = new TestAdapter(TestSupport.config(TexasAdapter.Config.class, first), reporter);
        camel.addRoutes(old);
        assertTrue(sendJson().isFailed(), "the first configuration should not trust the sandbox");

        // as JurisdictionRegistry.removeRoutes does
        List<String> ids = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            ids.add(route.getRouteId());
        }
        for (String id : ids) {
            camel.getRouteController().stopRoute(id);
            camel.removeRoute(id);
        }
        camel.addRoutes(new TestAdapter(TestSupport.config(TexasAdapter.Config.class, sandboxConfig()), reporter));

        Exchange exchange = sendJson();
        assertFalse(exchange.isFailed(), () -> "the new trust store is not in force: " + exchange.getException());
        assertEquals("TX-CPS-2026-000001", reporter.updates().get(0).stateIntakeNumber());
    }

    private Exchange sendJson() {
        return camel.createProducerTemplate().send("direct:queue",
                e -> e.getMessage().setBody(ReferralJson.INSTANCE.write(byRelation(PerpetratorRelation.PARENT))));
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
