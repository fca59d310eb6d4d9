package org.safeharbor.jurisdiction.us.ma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.us.ma.sandbox.MassachusettsPeer;
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;
import org.safeharbor.jurisdiction.us.ma.wire.WireSchema;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.tck.ConformanceReferrals;
import org.safeharbor.tck.RecordedAttempts.NoticeAttempt;
import org.safeharbor.tck.RecordedAttempts.RecordedNotice;

/**
 * G.L. c.119 s.51B(k) / 110 CMR 4.50: the notices to the District Attorney and local law enforcement are the
 * Department's, after its own intake. The 51A report goes to the real HTTPS peer through the delivery route; DCF's
 * statuses come back over real HTTP through Camel's servlet (as in {@link StatusBackTest}); the notices go to the
 * peer's two notice endpoints only when DCF's status is a configured trigger, each recorded with its attempts.
 */
class DepartmentNoticeTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");
    private static final String TOKEN = "dcf-status-token";
    private static final String DA = "district-attorney";
    private static final String POLICE = "law-enforcement";

    @TempDir
    Path records;
    private final RecordingReporter reporter = new RecordingReporter();
    private StatusServlet servletContainer;
    private DefaultCamelContext camel;
    private MassachusettsPeer peer;

    @BeforeEach
    void start() throws Exception {
        servletContainer = StatusServlet.start();
        peer = new MassachusettsPeer(records).statusUrl(servletContainer.statusUrl(), TOKEN).start();
    }

    @AfterEach
    void stop() throws Exception {
        if (camel != null) {
            camel.stop();
        }
        servletContainer.close();
        peer.close();
    }

    /** The adapter against the peer, with these settings; {@code clock} is its clock (the sweep's "now"). */
    private void startAdapter(Map<String, Object> overrides, Clock clock) throws Exception {
        Map<String, Object> config = SandboxTls.adapterConfig(peer);
        config.putAll(DeliveryTest.SHORT_REDELIVERY);
        config.put("_statusToken", TOKEN);
        config.putAll(overrides);
        camel = new DefaultCamelContext();
        camel.addRoutes(DeliveryTest.pathOf(new DeliveryTest.QueuelessAdapter(TestConfig.with(config), reporter, clock), reporter));
        camel.start();
    }

    private void startAdapter(Map<String, Object> overrides) throws Exception {
        startAdapter(overrides, Clock.systemUTC());
    }

    /** A suspected sexual exploitation and a confirmed labor trafficking, delivered to the peer and acknowledged. */
    private Referral delivered() {
        Referral referral = referral(MA,
                allegation(AllegationType.SURVIVAL_SEX, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.NOT_APPLICABLE),
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE),
                allegation(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED, PerpetratorRelation.PARENT, CaregiverRole.ACT));
        assertFalse(camel.createProducerTemplate().send("direct:queue",
                e -> e.getMessage().setBody(ReferralJson.INSTANCE.write(referral))).isFailed());
        assertEquals(1, peer.reports().size(), peer.rejections().toString());
        return referral;
    }

    private List<DeliveryStatus> statuses() {
        return reporter.updates.stream().map(StatusUpdate::status).toList();
    }

    private List<String> noticeDeadLetters() {
        return camel.getEndpoint(DeliveryTest.NOTICE_DLQ, SedaEndpoint.class).getQueue().stream()
                .map(e -> e.getMessage().getBody(String.class)).toList();
    }

    private RecordedNotice notice(Referral referral, String recipient) {
        return reporter.notices(referral.id(), MA).stream().filter(n -> n.recipient().equals(recipient)).findFirst().orElseThrow();
    }

    @Test
    void withTheTriggerOffNoNoticeIsEverSentEvenAfterDcfScreensTheReportIn() throws Exception {
        startAdapter(Map.of());
        Referral referral = delivered();

        assertEquals(202, peer.sendStatus(referral.id().value(), "screened-in", null));
        assertEquals(202, peer.sendStatus(referral.id().value(), "investigation-opened", null));

        assertEquals(List.of(), peer.districtAttorneyNotifications());
        assertEquals(List.of(), peer.lawEnforcementNotifications());
        assertEquals(List.of(), reporter.notices(referral.id(), MA), "nothing recorded either");
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.SCREENED_IN, DeliveryStatus.INVESTIGATION_OPENED), statuses());
    }

    @Test
    void withTheTriggerOnBothNoticesGoAfterTheTriggeringStatusAndNoneBefore() throws Exception {
        startAdapter(Map.of("departmentNoticesOn", "SCREENED_IN", "districtAttorneyCounty", "Suffolk"));
        Referral referral = delivered();
        assertEquals(List.of(), peer.districtAttorneyNotifications(), "none on the hospital's report");
        assertEquals(202, peer.sendStatus(referral.id().value(), "received", null));
        assertEquals(List.of(), peer.districtAttorneyNotifications(), "none on DCF's acknowledgement");
        assertEquals(List.of(), peer.lawEnforcementNotifications());

        assertEquals(202, peer.sendStatus(referral.id().value(), "screened-in", null));

        assertEquals(1, peer.districtAttorneyNotifications().size(), peer.rejections().toString());
        assertEquals(1, peer.lawEnforcementNotifications().size(), peer.rejections().toString());
        for (MassachusettsPeer.Received received : List.of(peer.districtAttorneyNotifications().get(0),
                peer.lawEnforcementNotifications().get(0))) {
            String json = received.json();
            assertEquals(List.of(), WireSchema.DEPARTMENT_NOTICE.validate(json));
            JsonNode notice = WireJson.tree(json);
            assertEquals("51B(k)-department-notice", notice.get("notificationType").asText());
            assertEquals("DCF", notice.get("notifyingAgency").asText(), "the Department's notice");
            assertEquals(referral.id().value(), notice.get("referralId").asText());
            assertEquals("MA-2026-000001", notice.get("intakeNumber").asText());
            // the strongest certainty per DCF allegation, nothing else of the report
            assertEquals("[{\"allegation\":\"sexual-exploitation\",\"certainty\":\"suspected\"},"
                    + "{\"allegation\":\"labor-trafficking\",\"certainty\":\"confirmed\"}]", notice.get("allegations").toString());
            for (List<String> values : ConformanceReferrals.TELLTALES.values()) {
                values.forEach(value -> assertFalse(json.contains(value), "personal data in a notice: " + value));
            }
            assertFalse(json.contains("2011-07-29"));
            assertFalse(json.contains("survival-sex"), "the form is the report's, not the notice's");
        }
        assertEquals("district-attorney", WireJson.tree(peer.districtAttorneyNotifications().get(0).json()).get("recipient").asText());
        assertEquals("Suffolk", WireJson.tree(peer.districtAttorneyNotifications().get(0).json()).get("county").asText());
        JsonNode police = WireJson.tree(peer.lawEnforcementNotifications().get(0).json());
        assertEquals("law-enforcement", police.get("recipient").asText());
        assertFalse(police.has("county"), "the District Attorney's county is the District Attorney's notice only");
        assertTrue(Files.exists(records.resolve(referral.id().value() + ".da.json")));
        assertTrue(Files.exists(records.resolve(referral.id().value() + ".le.json")));

        // each a disclosure of its own: recorded with the payload sent and its attempt, on DCF's status
        for (String recipient : List.of(DA, POLICE)) {
            RecordedNotice recorded = notice(referral, recipient);
            assertEquals("SENT", recorded.status());
            assertEquals(DeliveryStatus.SCREENED_IN, recorded.trigger());
            List<NoticeAttempt> attempts = reporter.noticeAttempts(referral.id(), MA, recipient);
            assertEquals(1, attempts.size());
            assertEquals("SENT", attempts.get(0).outcome());
        }
        assertEquals(peer.districtAttorneyNotifications().get(0).json(), reporter.noticeAttempts(referral.id(), MA, DA).get(0).payload());

        // the same status again, or a later one, sends nothing more; the report itself went once
        assertEquals(202, peer.sendStatus(referral.id().value(), "screened-in", null));
        assertEquals(202, peer.sendStatus(referral.id().value(), "investigation-opened", null));
        assertEquals(1, peer.districtAttorneyNotifications().size());
        assertEquals(1, peer.lawEnforcementNotifications().size());
        assertEquals(1, peer.reports().size());
    }

    @Test
    void aNoticeEndpointDownIsRetriedThenDeadLetteredWhileTheReportIsNeitherResentNorChanged() throws Exception {
        startAdapter(Map.of("departmentNoticesOn", "SCREENED_IN", "districtAttorneyUrl", peer.baseUrl() + "/no-such-da"));
        Referral referral = delivered();

        assertEquals(202, peer.sendStatus(referral.id().value(), "screened-in", null), "DCF's status is taken");

        // the District Attorney's notice: the first attempt and two retries, each recorded, then its own dead letter
        List<NoticeAttempt> attempts = reporter.noticeAttempts(referral.id(), MA, DA);
        assertEquals(List.of(1, 2, 3), attempts.stream().map(NoticeAttempt::number).toList());
        assertTrue(attempts.stream().allMatch(a -> "FAILED".equals(a.outcome()) && "HTTP 404".equals(a.detail())), attempts.toString());
        RecordedNotice failed = notice(referral, DA);
        assertEquals("FAILED", failed.status());
        assertTrue(failed.reason().contains("gave up after 3 attempts (HTTP 404)"), failed.reason());
        assertEquals(List.of(failed.payload()), noticeDeadLetters(), "the notice, not the referral, is dead-lettered");
        // the other notice is not held back by it
        assertEquals("SENT", notice(referral, POLICE).status());
        assertEquals(1, peer.lawEnforcementNotifications().size());

        // DCF received the 51A report exactly once, and its delivery is as DCF's statuses left it
        assertEquals(1, peer.reports().size());
        assertEquals(1, reporter.attempts(referral.id(), MA).size(), "no delivery attempt for a notice");
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.SCREENED_IN), statuses());
        assertEquals(List.of(), camel.getEndpoint(DeliveryTest.DLQ, SedaEndpoint.class).getQueue().stream().toList());
    }

    @Test
    void aNoticeThatFailsOnceIsSentByItsRetry() throws Exception {
        Map<String, Object> config = SandboxTls.adapterConfig(peer);
        config.putAll(DeliveryTest.SHORT_REDELIVERY);
        config.put("_statusToken", TOKEN);
        config.put("departmentNoticesOn", "INVESTIGATION_OPENED");
        camel = new DefaultCamelContext();
        camel.addRoutes(DeliveryTest.pathOf(new DeliveryTest.FlakyAdapter(TestConfig.with(config), reporter, peer.lawEnforcementUrl(), false,
                new java.net.ConnectException("police endpoint down")), reporter));
        camel.start();
        Referral referral = delivered();

        assertEquals(202, peer.sendStatus(referral.id().value(), "screened-in", null));
        assertEquals(List.of(), peer.lawEnforcementNotifications(), "SCREENED_IN is not this site's trigger");
        assertEquals(202, peer.sendStatus(referral.id().value(), "investigation-opened", null));

        List<NoticeAttempt> attempts = reporter.noticeAttempts(referral.id(), MA, POLICE);
        assertEquals(2, attempts.size());
        assertEquals("FAILED", attempts.get(0).outcome());
        assertEquals("ConnectException", attempts.get(0).detail());
        assertEquals("SENT", attempts.get(1).outcome());
        assertEquals(1, peer.lawEnforcementNotifications().size());
        assertEquals(DeliveryStatus.INVESTIGATION_OPENED, notice(referral, POLICE).trigger());
        assertEquals(List.of(), noticeDeadLetters());
        assertEquals(1, peer.reports().size());
    }

    @Test
    void aNoticeRecordedButNeverQueuedIsSentByTheSweep() throws Exception {
        // the clock of the sweep is two minutes ahead: what is recorded now is "left behind"
        startAdapter(Map.of("departmentNoticesOn", "SCREENED_IN"), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));
        Referral referral = delivered();
        // a crash between recording the notice and queueing it: recorded, never queued
        String payload = leftBehindNotice(referral);

        camel.createProducerTemplate().sendBody("direct:notice-sweep", null);

        assertEquals(List.of(payload), peer.districtAttorneyNotifications().stream().map(MassachusettsPeer.Received::json).toList());
        assertEquals("SENT", notice(referral, DA).status());
        camel.createProducerTemplate().sendBody("direct:notice-sweep", null);
        assertEquals(1, peer.districtAttorneyNotifications().size(), "queued once");
    }

    @Test
    void aNoticeLeftBehindWhileNoticesAreOffWithoutNoticeEndpointsFailsAndIsDeadLettered() throws Exception {
        // notices were on, then switched off, and the site's cfg names no notice endpoint: what was recorded before
        // still goes through its own retries and dead letter, and the 51A delivery is untouched
        Map<String, Object> none = new HashMap<>();
        none.put("districtAttorneyUrl", "");
        none.put("lawEnforcementUrl", "");
        startAdapter(none, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));
        Referral referral = delivered();
        String payload = leftBehindNotice(referral);

        camel.createProducerTemplate().sendBody("direct:notice-sweep", null);

        List<NoticeAttempt> attempts = reporter.noticeAttempts(referral.id(), MA, DA);
        assertEquals(List.of(1, 2, 3), attempts.stream().map(NoticeAttempt::number).toList());
        RecordedNotice failed = notice(referral, DA);
        assertEquals("FAILED", failed.status());
        assertTrue(failed.reason().contains("gave up after 3 attempts (IllegalStateException)"), failed.reason());
        assertEquals(List.of(payload), noticeDeadLetters());
        assertEquals(List.of(), peer.districtAttorneyNotifications());
        assertEquals(1, peer.reports().size());
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED), statuses());
    }

    /** Records a District Attorney notice as the status route would have, without queueing it. */
    private String leftBehindNotice(Referral referral) {
        String payload = "{\"schemaVersion\":\"2.0\",\"notificationType\":\"51B(k)-department-notice\",\"notifyingAgency\":\"DCF\","
                + "\"recipient\":\"district-attorney\",\"referralId\":\"" + referral.id().value() + "\",\"intakeNumber\":\"MA-2026-000001\","
                + "\"allegations\":[{\"allegation\":\"sexual-exploitation\",\"certainty\":\"suspected\"}]}";
        assertTrue(reporter.recordNotice(referral.id(), MA, DA, DeliveryStatus.SCREENED_IN, payload));
        return payload;
    }
}
