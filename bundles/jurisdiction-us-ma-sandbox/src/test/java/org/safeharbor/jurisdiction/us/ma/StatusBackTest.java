package org.safeharbor.jurisdiction.us.ma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.us.ma.sandbox.MassachusettsPeer;
import org.safeharbor.json.v1.ReferralJson;

/**
 * Statuses back from DCF: the peer POSTs them over real HTTP to the adapter's route
 * {@code servlet:/jurisdictions/us-ma/status}, served by Camel's servlet in Jetty as the core's
 * HttpServer serves it in Karaf. The parsing processor alone is tested in {@link StatusReceiverTest}.
 */
class StatusBackTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");
    private static final String TOKEN = "dcf-status-token";
    private static final Instant NOW = Instant.parse("2026-11-22T08:30:00Z");

    @TempDir
    Path records;
    private final RecordingReporter reporter = new RecordingReporter();
    private StatusServlet servletContainer;
    private DefaultCamelContext camel;
    private MassachusettsPeer peer;
    private URI statusUrl;

    @BeforeEach
    void start() throws Exception {
        servletContainer = StatusServlet.start();
        statusUrl = servletContainer.statusUrl();

        peer = new MassachusettsPeer(records).clock(Clock.fixed(NOW, ZoneOffset.UTC)).statusUrl(statusUrl, TOKEN).start();
        camel = new DefaultCamelContext();
        Map<String, Object> config = SandboxTls.adapterConfig(peer);
        config.put("_statusToken", TOKEN);
        camel.addRoutes(DeliveryTest.pathOf(new DeliveryTest.QueuelessAdapter(TestConfig.with(config), reporter), reporter));
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        servletContainer.close();
        peer.close();
    }

    private Referral delivered() {
        Referral referral = referral(MA, allegation(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION, Certainty.SUSPECTED,
                PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE));
        assertFalse(camel.createProducerTemplate().send("direct:queue",
                e -> e.getMessage().setBody(ReferralJson.INSTANCE.write(referral))).isFailed());
        reporter.updates.clear();
        return referral;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "received,             ACKNOWLEDGED",
        "screened-in,          SCREENED_IN",
        "screened-out,         SCREENED_OUT",
        "investigation-opened, INVESTIGATION_OPENED",
        "rejected,             REJECTED",
    })
    void aLaterStatusFromDcfBecomesTheRightStatusUpdate(String dcfStatus, DeliveryStatus expected) throws Exception {
        Referral referral = delivered();
        assertEquals(202, peer.sendStatus(referral.id().value(), dcfStatus, "rejected".equals(dcfStatus) ? "duplicate of an open report" : null));
        assertEquals(1, reporter.updates.size());
        StatusUpdate update = reporter.updates.get(0);
        assertEquals(referral.id(), update.referralId());
        assertEquals(MA, update.jurisdiction());
        assertEquals(expected, update.status());
        assertEquals("MA-2026-000001", update.stateIntakeNumber());
        assertEquals(NOW, update.at(), "the time DCF gave, not the time it arrived");
    }

    @Test
    void aStatusWithoutTheTokenIsRefused() throws Exception {
        Referral referral = delivered();
        MassachusettsPeer impostor = new MassachusettsPeer(records.resolve("other")).statusUrl(statusUrl, "wrong").start();
        try {
            assertEquals(401, impostor.sendStatus(referral.id().value(), "screened-out", null));
        } finally {
            impostor.close();
        }
        assertEquals(List.of(), reporter.updates);
    }

    @Test
    void anInvalidStatusIsRefusedWith400AndNothingIsReported() throws Exception {
        Referral referral = delivered();
        assertEquals(400, peer.sendStatus(referral.id().value(), "closed", null));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(statusUrl)
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"referralId\":\"x\",\"status\":\"received\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("us-ma-status.schema.json"), response.body());
        assertFalse(response.body().contains("required"), "the schema validator's message is not answered: " + response.body());
        assertTrue(response.headers().firstValue("Authorization").isEmpty(), "request headers are not echoed");
        assertEquals(List.of(), reporter.updates);
    }

    @Test
    void theSandboxPeerCanBeToldOverHttpsToSendAStatus() throws Exception {
        Referral referral = delivered();
        HttpResponse<String> answer = SandboxTls.client().send(
                HttpRequest.newBuilder(URI.create(peer.baseUrl() + MassachusettsPeer.SEND_STATUS_PATH))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"referralId\":\"" + referral.id().value()
                                + "\",\"status\":\"investigation-opened\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("{\"adapterStatus\":202}", answer.body());
        assertEquals(DeliveryStatus.INVESTIGATION_OPENED, reporter.updates.get(0).status());
    }

    @Test
    void anOversizeStatusIsRefusedWith413BeforeItIsRead() throws Exception {
        Referral referral = delivered();
        String huge = "{\"referralId\":\"" + referral.id().value() + "\",\"status\":\"screened-out\",\"at\":\"2026-11-22T08:30:00Z\","
                + "\"reason\":\"" + "x".repeat(200_000) + "\"}";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(statusUrl)
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(huge)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
        assertEquals(List.of(), reporter.updates);
    }

    @Test
    void aForgedStatusWithoutCredentialsIsRefusedAndNothingChanges() throws Exception {
        Referral referral = delivered();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(statusUrl)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"referralId\":\"" + referral.id().value()
                        + "\",\"status\":\"investigation-opened\",\"at\":\"2026-11-22T08:30:00Z\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode());
        assertFalse(response.body().contains("Exception"), response.body());
        assertEquals(List.of(), reporter.updates, "nothing reported: the delivery and its clocks are as they were");
    }
}
