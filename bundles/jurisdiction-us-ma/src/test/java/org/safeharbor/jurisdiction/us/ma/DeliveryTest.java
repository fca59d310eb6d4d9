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
import org.safeharbor.jurisdiction.support.v1.JurisdictionRoutes;
import org.safeharbor.jurisdiction.us.ma.sandbox.MassachusettsPeer;
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;
import org.safeharbor.jurisdiction.us.ma.wire.WireSchema;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.tck.ConformanceReferrals;

/**
 * The delivery route in a plain CamelContext against the real HTTPS peer: what the peer received
 * and what the core's StatusReporter was told.
 */
class DeliveryTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");

    /** The adapter with the queue replaced by a direct endpoint: no broker in unit tests. */
    static final class QueuelessAdapter extends MassachusettsAdapter {
        QueuelessAdapter(Config config, RecordingReporter reporter) {
            super(config, reporter);
        }

        @Override
        protected String queueEndpoint() {
            return "direct:queue";
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
        Map<String, Object> config = new HashMap<>();
        config.put("reportUrl", peer.reportUrl());
        config.put("districtAttorneyUrl", peer.districtAttorneyUrl());
        config.putAll(overrides);
        camel = new DefaultCamelContext();
        camel.addRoutes(new QueuelessAdapter(TestConfig.with(config), reporter));
        camel.start();
        template = camel.createProducerTemplate();
    }

    private Exchange deliver(Referral referral) {
        return template.send("direct:queue", e -> e.getMessage().setBody(ReferralJson.INSTANCE.write(referral)));
    }

    private static Referral suspectedSexTrafficking() {
        return referral(MA, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN,
                CaregiverRole.NOT_APPLICABLE));
    }

    @Test
    void aSuspectedReportReachesDcfIsAcknowledgedAndTheDistrictAttorneyIsNotified() throws Exception {
        startAdapter(Map.of("districtAttorneyCounty", "Suffolk"));
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

        // the District Attorney got the minimal notification, with DCF's intake number and no personal data
        assertEquals(1, peer.districtAttorneyNotifications().size());
        String notification = peer.districtAttorneyNotifications().get(0).json();
        assertEquals(List.of(), WireSchema.DA_NOTIFICATION.validate(notification));
        JsonNode da = WireJson.tree(notification);
        assertEquals(referral.id().value(), da.get("referralId").asText());
        assertEquals("MA-2026-000001", da.get("intakeNumber").asText());
        assertEquals("US-MA", da.get("jurisdiction").asText());
        assertEquals("Suffolk", da.get("county").asText());
        assertEquals("[\"sexual-exploitation\",\"labor-trafficking\"]", da.get("allegations").toString());
        for (List<String> values : ConformanceReferrals.TELLTALES.values()) {
            values.forEach(value -> assertFalse(notification.contains(value), "personal data in the DA notification: " + value));
        }
        assertFalse(notification.contains("2011-07-29"));
        assertTrue(Files.exists(records.resolve(referral.id().value() + ".da.json")));

        // and the core heard: acknowledged with the intake number, then the DA notification
        assertEquals(2, reporter.updates.size(), reporter.updates.toString());
        StatusUpdate acknowledged = reporter.updates.get(0);
        assertEquals(DeliveryStatus.ACKNOWLEDGED, acknowledged.status());
        assertEquals("MA-2026-000001", acknowledged.stateIntakeNumber());
        assertEquals(referral.id(), acknowledged.referralId());
        assertEquals(MA, acknowledged.jurisdiction());
        StatusUpdate notified = reporter.updates.get(1);
        assertEquals(DeliveryStatus.ACKNOWLEDGED, notified.status());
        assertEquals(MassachusettsAdapter.DA_NOTIFIED, notified.reason());
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
    void aReportThePeerRejectsFailsTheExchangeAndNothingIsReported() throws Exception {
        startAdapter(Map.of());
        Referral referral = suspectedSexTrafficking();
        // a payload that breaks the schema, straight into the delivery route as the receiving route would hand it over
        String invalid = new MassachusettsFormat().write(referral).orElseThrow().replace("\"suspected\"", "\"at-risk\"");
        Exchange exchange = template.send("direct:US-MA-deliver", e -> {
            e.setProperty(JurisdictionRoutes.REFERRAL, referral);
            e.getMessage().setBody(invalid);
        });
        assertTrue(exchange.isFailed());
        HttpOperationFailedException refused = assertInstanceOf(HttpOperationFailedException.class, exchange.getException());
        assertEquals(400, refused.getStatusCode());
        assertTrue(refused.getResponseBody().contains("certainty"), refused.getResponseBody());
        assertEquals(List.of(), peer.reports());
        assertEquals(List.of(), peer.districtAttorneyNotifications());
        assertEquals(1, peer.rejections().size());
        assertEquals(List.of(), reporter.updates, "nothing is reported as delivered");
    }

    @Test
    void aPeerThatIsDownFailsTheExchangeAndNothingIsReported() throws Exception {
        startAdapter(Map.of());
        peer.close();
        Exchange exchange = deliver(suspectedSexTrafficking());
        assertTrue(exchange.isFailed());
        assertNotNull(exchange.getException());
        assertEquals(List.of(), reporter.updates);
    }

    @Test
    void withTheJvmDefaultTrustTheSelfSignedPeerIsNotTrusted() throws Exception {
        startAdapter(Map.of("trustStore", ""));
        Exchange exchange = deliver(suspectedSexTrafficking());
        assertTrue(exchange.isFailed());
        assertInstanceOf(javax.net.ssl.SSLException.class, sslCause(exchange.getException()), "a TLS failure");
        assertEquals(List.of(), peer.reports());
        assertEquals(List.of(), reporter.updates);
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
        Exchange refused = deliver(suspectedSexTrafficking());
        assertTrue(refused.isFailed());
        assertEquals(401, assertInstanceOf(HttpOperationFailedException.class, refused.getException()).getStatusCode());
        assertEquals(List.of(), reporter.updates);

        camel.stop();
        startAdapter(Map.of("username", "hospital-a", "_password", "s3cret"));
        assertFalse(deliver(suspectedSexTrafficking()).isFailed());
        assertEquals(1, peer.reports().size());
        assertEquals(1, peer.districtAttorneyNotifications().size());
    }

    @Test
    void aFailingDistrictAttorneyEndpointFailsTheExchangeSoTheReferralIsRedelivered() throws Exception {
        startAdapter(Map.of("districtAttorneyUrl", peer.baseUrl() + "/no-such-da"));
        Exchange exchange = deliver(suspectedSexTrafficking());
        assertTrue(exchange.isFailed());
        assertEquals(404, assertInstanceOf(HttpOperationFailedException.class, exchange.getException()).getStatusCode());
        // DCF did acknowledge (true, and the redelivery gets the same number), but no DA notification is claimed
        assertEquals(1, reporter.updates.size());
        assertEquals(DeliveryStatus.ACKNOWLEDGED, reporter.updates.get(0).status());
        assertTrue(reporter.updates.stream().noneMatch(u -> MassachusettsAdapter.DA_NOTIFIED.equals(u.reason())));
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
                e.setProperty(JurisdictionRoutes.REFERRAL, referral);
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
