package org.safeharbor.jurisdiction.us.ma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.component.seda.SedaEndpoint;
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
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.NoticeRoutes;
import org.safeharbor.jurisdiction.support.v1.StateRejectedException;
import org.safeharbor.jurisdiction.us.ma.sandbox.MassachusettsPeer;
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;
import org.safeharbor.jurisdiction.us.ma.wire.WireSchema;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.tck.ConformanceReferrals;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.routes.JurisdictionPipeline;

/**
 * The delivery route in a plain CamelContext against the real HTTPS peer: what the peer received
 * and what the core's StatusReporter was told.
 */
class DeliveryTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");

    /** The dead-letter and quarantine queues of the tests: in-memory, read with {@link #queue}. */
    static final String DLQ = "seda:US-MA-DLQ";
    static final String QUARANTINE = "seda:US-MA-quarantine";
    static final String NOTICE_DLQ = "seda:US-MA-notices-DLQ";
    /** A short retry policy for the tests: 2 retries from 10 ms. */
    static final Map<String, Object> SHORT_REDELIVERY = Map.of("maximumRedeliveries", 2, "redeliveryDelay", "PT0.01S",
            "maximumRedeliveryDelay", "PT0.04S");

    /** The core's path around an adapter, its queues direct and mock endpoints: no broker in unit tests. */
    static JurisdictionPipeline pathOf(MassachusettsAdapter adapter, org.safeharbor.api.v1.StatusReporter reporter) {
        return new JurisdictionPipeline(adapter, adapter, reporter, java.time.Clock.systemUTC(),
                new JurisdictionPipeline.Queues("direct:queue", DLQ, QUARANTINE));
    }

    /** The adapter with the notices' queues replaced by direct endpoints: no broker in unit tests. */
    static class QueuelessAdapter extends MassachusettsAdapter {
        QueuelessAdapter(MassachusettsConfig config, RecordingReporter reporter) {
            this(config, reporter, java.time.Clock.systemUTC());
        }

        /** With the clock of the notice sweep. */
        QueuelessAdapter(MassachusettsConfig config, RecordingReporter reporter, java.time.Clock clock) {
            // the notices' queue as a direct endpoint (a notice is sent, and retried, before its status is answered); the
            // sweep runs when a test sends to it
            super(config, TestConfig.redelivery(config), reporter, clock,
                    new NoticeRoutes.Queues("direct:notices", "direct:notices", NOTICE_DLQ, "direct:notice-sweep"));
        }
    }

    /**
     * Its first call to one endpoint fails with {@code failure}: before it reaches the endpoint, or after (the
     * endpoint took it, its answer was lost). {@link #calls} counts the calls to that endpoint.
     */
    static final class FlakyAdapter extends QueuelessAdapter {
        final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        private final String flakyUrl;
        private final boolean afterReaching;
        private final Exception failure;

        FlakyAdapter(MassachusettsConfig config, RecordingReporter reporter, String flakyUrl, boolean afterReaching, Exception failure) {
            super(config, reporter);
            this.flakyUrl = flakyUrl;
            this.afterReaching = afterReaching;
            this.failure = failure;
        }

        @Override
        String endpoint(String url) {
            return url.equals(flakyUrl) ? "direct:flaky" : super.endpoint(url);
        }

        @Override
        public void configure(org.apache.camel.builder.RouteBuilder routes, String deliverEndpoint) {
            super.configure(routes, deliverEndpoint);
            org.apache.camel.Processor firstFails = exchange -> {
                if (calls.incrementAndGet() == 1) {
                    throw failure;
                }
            };
            if (afterReaching) {
                routes.from("direct:flaky").to(super.endpoint(flakyUrl)).process(firstFails);
            } else {
                routes.from("direct:flaky").process(firstFails).to(super.endpoint(flakyUrl));
            }
        }
    }

    /** Writes the 51A report, then breaks it as {@code corrupt} says: DCF will refuse it. */
    static final class CorruptingAdapter extends QueuelessAdapter {
        private final java.util.function.UnaryOperator<String> corrupt;

        CorruptingAdapter(MassachusettsConfig config, RecordingReporter reporter, java.util.function.UnaryOperator<String> corrupt) {
            super(config, reporter);
            this.corrupt = corrupt;
        }

        @Override
        public org.safeharbor.api.v1.StateFormat format() {
            org.safeharbor.api.v1.StateFormat real = super.format();
            return new org.safeharbor.api.v1.StateFormat() {
                public String mediaType() { return real.mediaType(); }
                public java.util.Optional<String> write(Referral r) { return real.write(r).map(corrupt); }
                public Referral read(String payload) { return real.read(payload); }
                public java.util.Set<ReferralField> disclosedFields() { return real.disclosedFields(); }
                public Map<AllegationType, String> unsupportedTypes() { return real.unsupportedTypes(); }
                public java.util.Optional<String> atRiskRule() { return real.atRiskRule(); }
            };
        }
    }

    @TempDir
    Path records;
    private MassachusettsPeer peer;
    private DefaultCamelContext camel;
    private ProducerTemplate template;
    private final RecordingReporter reporter = new RecordingReporter();

    @BeforeEach
    void startPeer() throws Exception {
        peer = new MassachusettsPeer(records).start();
    }

    @AfterEach
    void stop() throws Exception {
        if (camel != null) {
            camel.stop();
        }
        peer.close();
    }

    private void startAdapter(Map<String, Object> overrides) throws Exception {
        startAdapter(overrides, null);
    }

    private void startAdapter(Map<String, Object> overrides, java.util.function.UnaryOperator<String> corrupt) throws Exception {
        Map<String, Object> config = SandboxTls.adapterConfig(peer);
        config.putAll(SHORT_REDELIVERY);
        config.putAll(overrides);
        camel = new DefaultCamelContext();
        countReportCalls();
        camel.addRoutes(pathOf(corrupt == null ? new QueuelessAdapter(TestConfig.with(config), reporter)
                : new CorruptingAdapter(TestConfig.with(config), reporter, corrupt), reporter));
        camel.start();
        template = camel.createProducerTemplate();
    }

    /** Attempts to POST a 51A report to DCF, whatever came of them. */
    private final java.util.concurrent.atomic.AtomicInteger reportCalls = new java.util.concurrent.atomic.AtomicInteger();

    private void countReportCalls() {
        // the state's camel-http endpoint: us-ma-https://localhost:<port>/dcf/51a/reports?...
        String report = peer.reportUrl().substring("https://".length());
        camel.getManagementStrategy().addEventNotifier(new org.apache.camel.support.EventNotifierSupport() {
            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) {
                if (event instanceof org.apache.camel.spi.CamelEvent.ExchangeSendingEvent sending
                        && sending.getEndpoint().getEndpointUri().contains(report)) {
                    reportCalls.incrementAndGet();
                }
            }
        });
    }

    /** What is waiting on a test queue ({@link #DLQ}, {@link #QUARANTINE}). */
    private List<String> queue(String uri) {
        return camel.getEndpoint(uri, SedaEndpoint.class).getQueue().stream()
                .map(e -> e.getMessage().getBody(String.class)).toList();
    }

    private List<DeliveryStatus> statuses() {
        return reporter.updates.stream().map(StatusUpdate::status).toList();
    }

    /**
     * The promise for a passing failure: retried (the first attempt and {@code 2} retries), then the
     * canonical referral is on the DLQ, FAILED is the last status and nothing went to quarantine.
     */
    private void assertRetriedThenDeadLettered(Exchange exchange, String original) {
        assertFalse(exchange.isFailed(), "the dead-letter channel handled it");
        assertEquals(List.of(original), queue(DLQ), "the canonical referral, not the state payload");
        assertEquals(List.of(), queue(QUARANTINE));
        assertEquals(3, reportCalls.get(), "the first attempt and two retries");
        List<DeliveryStatus> statuses = statuses();
        assertEquals(DeliveryStatus.FAILED, statuses.get(statuses.size() - 1), statuses.toString());
        assertEquals(1, statuses.stream().filter(DeliveryStatus.FAILED::equals).count(), statuses.toString());
        assertTrue(reporter.updates.get(statuses.size() - 1).reason().contains("3 attempts"), reporter.updates.toString());
    }

    /** The cause the dead-letter channel caught. */
    private static Exception caught(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    private Exchange deliver(Referral referral) {
        return template.send("direct:queue", e -> e.getMessage().setBody(ReferralJson.INSTANCE.write(referral)));
    }

    private static Referral suspectedSexTrafficking() {
        return referral(MA, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN,
                CaregiverRole.NOT_APPLICABLE));
    }

    @Test
    void aSuspectedReportReachesDcfAndIsAcknowledgedAndNoNoticeGoesOnTheHospitalsWord() throws Exception {
        // every notice on: still nothing goes to the District Attorney or the police before DCF's own status
        startAdapter(Map.of("districtAttorneyCounty", "Suffolk", "departmentNoticesOn", "SCREENED_IN,INVESTIGATION_OPENED"));
        Referral referral = referral(MA,
                allegation(AllegationType.SURVIVAL_SEX, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT),
                allegation(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED, PerpetratorRelation.PARENT,
                        CaregiverRole.FAILURE_TO_PROTECT));

        Exchange exchange = deliver(referral);

        assertFalse(exchange.isFailed(), () -> String.valueOf(exchange.getException()));
        // the peer validated and recorded the report, with DCF's codes
        assertEquals(1, peer.reports().size(), peer.rejections().toString());
        MassachusettsPeer.Received report = peer.reports().get(0);
        assertEquals(referral.id().value(), report.referralId());
        assertEquals("MA-2026-000001", report.intakeNumber());
        assertEquals(List.of(), WireSchema.REPORT_51A.validate(report.json()));
        JsonNode allegations = WireJson.tree(report.json()).get("allegations");
        assertEquals("sexual-exploitation", allegations.get(0).get("allegation").asText());
        assertEquals("survival-sex", allegations.get(0).get("form").asText());
        assertEquals("labor-trafficking", allegations.get(1).get("allegation").asText());
        assertEquals("failure-to-protect", allegations.get(1).get("caregiverRole").asText());
        assertEquals(report.json(), Files.readString(records.resolve(referral.id().value() + ".json"), StandardCharsets.UTF_8));
        // only declared fields left the adapter
        for (Map.Entry<ReferralField, List<String>> telltale : ConformanceReferrals.TELLTALES.entrySet()) {
            if (!new MassachusettsFormat().disclosedFields().contains(telltale.getKey())) {
                telltale.getValue().forEach(value -> assertFalse(report.json().contains(value), telltale.getKey() + ": " + value));
            }
        }

        // s.51B(k): the notices are the Department's, after its own intake (DepartmentNoticeTest)
        assertEquals(List.of(), peer.districtAttorneyNotifications());
        assertEquals(List.of(), peer.lawEnforcementNotifications());
        assertEquals(List.of(), reporter.notices(referral.id(), MA));
        assertFalse(Files.exists(records.resolve(referral.id().value() + ".da.json")));

        // and the core heard: acknowledged with the intake number, once
        assertEquals(1, reporter.updates.size(), reporter.updates.toString());
        StatusUpdate acknowledged = reporter.updates.get(0);
        assertEquals(DeliveryStatus.ACKNOWLEDGED, acknowledged.status());
        assertEquals("MA-2026-000001", acknowledged.stateIntakeNumber());
        assertEquals(referral.id(), acknowledged.referralId());
        assertEquals(MA, acknowledged.jurisdiction());
    }

    @Test
    void outsideTheSandboxAnHttpsEndpointOnLoopbackTrustedThroughTheOperatorsTrustStoreIsDeliveredTo() throws Exception {
        // a local TLS proxy to DCF on this machine, played by the peer; the operator's trust store (a file)
        // holds its certificate. The adapter checks no host: only https and a configured endpoint.
        java.security.KeyStore peerKeys = SandboxTls.keys();
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("dcf-proxy", peerKeys.getCertificate(peerKeys.aliases().nextElement()));
        Path trustStore = records.resolve("operator-trust.p12");
        try (var out = Files.newOutputStream(trustStore)) {
            trust.store(out, "operator-secret".toCharArray());
        }
        Map<String, Object> config = new HashMap<>(SHORT_REDELIVERY);
        config.put("reportUrl", peer.reportUrl());
        config.put("districtAttorneyUrl", peer.districtAttorneyUrl());
        config.put("trustStore", trustStore.toString());
        config.put("_trustStorePassword", "operator-secret");
        assertTrue(peer.reportUrl().startsWith("https://localhost:"), peer.reportUrl());
        camel = new DefaultCamelContext();
        camel.addRoutes(pathOf(new QueuelessAdapter(TestConfig.with(config), reporter), reporter));
        camel.start();
        template = camel.createProducerTemplate();

        Exchange exchange = deliver(suspectedSexTrafficking());

        assertFalse(exchange.isFailed(), () -> String.valueOf(exchange.getException()));
        assertEquals(1, peer.reports().size(), peer.rejections().toString());
        assertEquals(DeliveryStatus.ACKNOWLEDGED, statuses().get(0));
    }

    @Test
    void aRedeliveryGetsTheSameIntakeNumber() throws Exception {
        startAdapter(Map.of());
        Referral referral = suspectedSexTrafficking();
        assertFalse(deliver(referral).isFailed());
        assertFalse(deliver(referral).isFailed());
        assertEquals(2, peer.reports().size());
        List<String> numbers = reporter.updates.stream().map(StatusUpdate::stateIntakeNumber).distinct().toList();
        assertEquals(List.of("MA-2026-000001"), numbers);
        assertEquals(List.of(), queue(DLQ));
        assertEquals(List.of(), queue(QUARANTINE));
    }

    @Test
    void aTransientFailureIsRetriedAndTheRetryGetsTheSameIntakeNumber() throws Exception {
        // DCF takes the report but its answer is lost once (the connection drops): the retry sends it again
        Map<String, Object> config = SandboxTls.adapterConfig(peer);
        config.putAll(SHORT_REDELIVERY);
        camel = new DefaultCamelContext();
        countReportCalls();
        FlakyAdapter flaky = new FlakyAdapter(TestConfig.with(config), reporter, peer.reportUrl(), true,
                new java.net.SocketException("connection reset before DCF's answer was read"));
        camel.addRoutes(pathOf(flaky, reporter));
        camel.start();
        template = camel.createProducerTemplate();

        Exchange exchange = deliver(suspectedSexTrafficking());

        assertFalse(exchange.isFailed(), () -> String.valueOf(exchange.getException()));
        assertEquals(2, flaky.calls.get(), "one failure, then the retry");
        assertEquals(2, peer.reports().size(), "the report was sent again with the retry");
        assertEquals(List.of("MA-2026-000001", "MA-2026-000001"), peer.reports().stream().map(MassachusettsPeer.Received::intakeNumber).toList());
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED), statuses(), "acknowledged once, by the retry");
        assertEquals("MA-2026-000001", reporter.updates.get(0).stateIntakeNumber());
        assertEquals(List.of(), queue(DLQ));
        assertEquals(List.of(), queue(QUARANTINE));
    }

    @Test
    void aReferralWithOnlyAnAtRiskSignalIsNotSent() throws Exception {
        startAdapter(Map.of());
        Referral atRisk = referral(MA, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK));
        assertFalse(deliver(atRisk).isFailed());
        assertEquals(List.of(), peer.reports());
        assertEquals(List.of(), peer.districtAttorneyNotifications());
        assertEquals(1, reporter.updates.size());
        assertEquals(DeliveryStatus.NOT_SENT, reporter.updates.get(0).status());
    }

    @Test
    void aReferralOfAnotherStateIsNotSent() throws Exception {
        startAdapter(Map.of());
        Referral illinois = referral(Jurisdiction.of("US-IL"), allegation(AllegationType.SEX_TRAFFICKING, Certainty.CONFIRMED,
                PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT));
        assertFalse(deliver(illinois).isFailed());
        assertEquals(List.of(), peer.reports());
        assertEquals(DeliveryStatus.NOT_SENT, reporter.updates.get(0).status());
    }

    @Test
    void theDeliveryRouteTurnsDcfsHttp400IntoARefusal() throws Exception {
        startAdapter(Map.of());
        Referral referral = suspectedSexTrafficking();
        // a payload that breaks the schema, straight into the delivery route as the receiving route would hand it over
        String invalid = new MassachusettsFormat().write(referral).orElseThrow().replace("\"suspected\"", "\"at-risk\"");
        Exchange exchange = template.send("direct:US-MA-deliver", e -> {
            e.setProperty(DeliveryContract.REFERRAL_PROPERTY, referral);
            e.getMessage().setBody(invalid);
        });
        assertTrue(exchange.isFailed());
        StateRejectedException rejected = assertInstanceOf(StateRejectedException.class, exchange.getException());
        HttpOperationFailedException refused = assertInstanceOf(HttpOperationFailedException.class, rejected.getCause());
        assertEquals(400, refused.getStatusCode());
        assertTrue(refused.getResponseBody().contains("certainty"), refused.getResponseBody());
        assertTrue(rejected.getMessage().startsWith("DCF refused the 51A report: HTTP 400"), rejected.getMessage());
        assertTrue(rejected.getMessage().contains("certainty"), rejected.getMessage());
        assertFalse(rejected.getMessage().contains("at-risk"), "a value in the reason: " + rejected.getMessage());
        assertEquals(List.of(), peer.reports());
        assertEquals(List.of(), peer.districtAttorneyNotifications());
        assertEquals(1, peer.rejections().size());
        assertEquals(List.of(), reporter.updates, "nothing is reported as delivered");
    }

    @Test
    void aReportThePeerRejectsIsQuarantinedAtOnceAndReportedRejectedWithoutPersonalData() throws Exception {
        // the report leaves with an impossible date of birth: DCF's schema refuses it with a 400
        startAdapter(Map.of(), json -> json.replace("2011-07-29", "2011-13-45"));
        Referral referral = suspectedSexTrafficking();
        String original = ReferralJson.INSTANCE.write(referral);
        Exchange exchange = template.send("direct:queue", e -> e.getMessage().setBody(original));

        assertFalse(exchange.isFailed(), "handled: quarantined");
        assertEquals(1, reportCalls.get(), "no retry: it would only be refused again");
        assertEquals(1, peer.rejections().size());
        assertEquals(List.of(original), queue(QUARANTINE), "the canonical referral is kept");
        assertEquals(List.of(), queue(DLQ));
        assertEquals(List.of(), peer.reports());
        assertEquals(List.of(), peer.districtAttorneyNotifications());
        assertEquals(List.of(DeliveryStatus.REJECTED), statuses(), "nothing is reported as delivered");
        StatusUpdate rejected = reporter.updates.get(0);
        assertEquals(referral.id(), rejected.referralId());
        assertTrue(rejected.reason().contains("DCF refused the 51A report: HTTP 400"), rejected.reason());
        assertTrue(rejected.reason().contains("/child/birthDate"), "the field DCF named: " + rejected.reason());
        assertFalse(rejected.reason().contains("2011-13-45"), "a value in the reason: " + rejected.reason());
        for (List<String> values : ConformanceReferrals.TELLTALES.values()) {
            values.forEach(value -> assertFalse(rejected.reason().contains(value), "personal data in the reason: " + value));
        }
    }

    @Test
    void aPeerThatIsDownIsRetriedThenDeadLetteredAndReportedFailed() throws Exception {
        startAdapter(Map.of());
        peer.close();
        Referral referral = suspectedSexTrafficking();
        String original = ReferralJson.INSTANCE.write(referral);
        Exchange exchange = template.send("direct:queue", e -> e.getMessage().setBody(original));
        assertNotNull(caught(exchange));
        assertRetriedThenDeadLettered(exchange, original);
        assertEquals(List.of(DeliveryStatus.FAILED), statuses(), "no ACKNOWLEDGED or DELIVERED");
    }

    @Test
    void withTheJvmDefaultTrustTheSelfSignedPeerIsNotTrusted() throws Exception {
        startAdapter(Map.of("trustStore", ""));
        Referral referral = suspectedSexTrafficking();
        String original = ReferralJson.INSTANCE.write(referral);
        Exchange exchange = template.send("direct:queue", e -> e.getMessage().setBody(original));
        assertInstanceOf(javax.net.ssl.SSLException.class, sslCause(caught(exchange)), "a TLS failure");
        assertRetriedThenDeadLettered(exchange, original);
        assertEquals(List.of(), peer.reports());
        assertEquals(List.of(DeliveryStatus.FAILED), statuses(), "no ACKNOWLEDGED or DELIVERED");
    }

    @Test
    void aTrustStoreFileIsUsed() throws Exception {
        Path copy = records.resolve("trust.p12");
        try (var in = getClass().getClassLoader().getResourceAsStream("sandbox/us-ma-sandbox.p12")) {
            Files.copy(in, copy);
        }
        startAdapter(Map.of("trustStore", copy.toString()));
        assertFalse(deliver(suspectedSexTrafficking()).isFailed());
        assertEquals(1, peer.reports().size());
    }

    @Test
    void credentialsAreSentAndWrongOnesFail() throws Exception {
        peer.close();
        peer = new MassachusettsPeer(records).basicAuth("hospital-a", "s3cret").start();
        startAdapter(Map.of("username", "hospital-a", "_password", "wrong"));
        String original = ReferralJson.INSTANCE.write(suspectedSexTrafficking());
        Exchange refused = template.send("direct:queue", e -> e.getMessage().setBody(original));
        assertEquals(401, assertInstanceOf(HttpOperationFailedException.class, caught(refused)).getStatusCode());
        assertRetriedThenDeadLettered(refused, original);
        assertEquals(List.of(DeliveryStatus.FAILED), statuses(), "no ACKNOWLEDGED or DELIVERED");
        reporter.updates.clear();

        camel.stop();
        startAdapter(Map.of("username", "hospital-a", "_password", "s3cret"));
        assertFalse(deliver(suspectedSexTrafficking()).isFailed());
        assertEquals(1, peer.reports().size());
        assertEquals(List.of(), peer.districtAttorneyNotifications(), "no notice on the hospital's word");
    }

    @Test
    void theLogsHoldNoPersonalDataWhateverHappens() throws Exception {
        startAdapter(Map.of());
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        // slf4j-simple (the test binding) writes to System.err as it is at each log call
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            deliver(suspectedSexTrafficking());
            Referral referral = suspectedSexTrafficking();
            template.send("direct:US-MA-deliver", e -> {
                e.setProperty(DeliveryContract.REFERRAL_PROPERTY, referral);
                e.getMessage().setBody(new MassachusettsFormat().write(referral).orElseThrow().replace("2011-07-29", "2011-13-45"));
            });
            peer.close();
            deliver(suspectedSexTrafficking());
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("Failed delivery"), "the failures were logged: " + log.length() + " chars");
        for (List<String> values : ConformanceReferrals.TELLTALES.values()) {
            values.forEach(value -> assertFalse(log.contains(value), "personal data in the log: " + value));
        }
        assertFalse(log.contains("2011-13-45"), "a rejected value in the log");
    }

    private static Throwable sslCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof javax.net.ssl.SSLException) {
                return c;
            }
        }
        return null;
    }
}
