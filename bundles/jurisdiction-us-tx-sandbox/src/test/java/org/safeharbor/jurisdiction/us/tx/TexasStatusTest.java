package org.safeharbor.jurisdiction.us.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.servlet.CamelHttpTransportServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.us.tx.sandbox.TexasAgencyPeer;
import org.safeharbor.jurisdiction.us.tx.sandbox.TexasSandbox;
import org.safeharbor.jurisdiction.us.tx.wire.Agency;
import org.safeharbor.jurisdiction.us.tx.wire.StateStatus;
import org.safeharbor.tck.InMemoryPipeline;
import org.safeharbor.tck.RecordingStatusReporter;

/**
 * Statuses back from Texas, the adapter on the core's path with its queues in memory (the kit's InMemoryPipeline). Over real HTTP: the peer POSTs to a Jetty serving Camel's servlet at {@code /*},
 * as the core's HTTP server does in Karaf, so the adapter's {@code servlet:/jurisdictions/us-tx/status} route
 * itself is exercised. The table of every status goes through the route's {@code direct:US-TX-status} entry.
 */
class TexasStatusTest {

    private static final Jurisdiction TX = Jurisdiction.of("US-TX");

    private final RecordingStatusReporter reporter = new RecordingStatusReporter();
    private TexasAgencyPeer cps;
    private Server http;
    private URI statusUri;
    private static final String TOKEN = "tx-status-token-1";
    private InMemoryPipeline path;

    /** The core's path around the real adapter, only its queues in memory: the status route is the servlet one. */
    /** As in the sandbox: the CPS peer's intake, trusted through the sandbox's store, and the agencies' status token. */
    TexasConfig sandboxConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put("cpsIntakeUrl", cps.url());
        config.put("trustStore", SandboxTls.trustStoreFile());
        config.put("_trustStorePassword", TexasSandbox.PASSWORD);
        config.put("_statusToken", TOKEN);
        return TestSupport.adapter(config);
    }

    static InMemoryPipeline pathOf(TexasConfig config, org.safeharbor.api.v1.StatusReporter reporter) throws Exception {
        return new InMemoryPipeline(new TexasAdapter(config, Redelivery.DEFAULT, reporter), reporter, TestSupport.CLOCK).start();
    }

    @BeforeEach
    void start() throws Exception {
        cps = SandboxTls.agency(Agency.CPS_INTAKE, null);

        http = new Server();
        ServerConnector connector = new ServerConnector(http);
        connector.setHost("127.0.0.1");
        http.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("CamelServlet", new CamelHttpTransportServlet()), "/*");
        http.setHandler(context);
        http.start();
        statusUri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + TexasAdapter.STATUS_PATH);
        cps.statusCallback(statusUri, TOKEN);

        path = pathOf(sandboxConfig(), reporter);
    }

    @AfterEach
    void stop() throws Exception {
        path.close();
        http.stop();
        cps.stop();
    }

    @Test
    void aLaterStatusFromThePeerBecomesTheStatusUpdate() throws Exception {
        Referral referral = referral(TX, allegation(AllegationType.SEX_TRAFFICKING, Certainty.CONFIRMED,
                PerpetratorRelation.PARENT, CaregiverRole.ACT));
        Exchange delivered = path.send(referral);
        assertTrue(!delivered.isFailed(), () -> String.valueOf(delivered.getException()));

        int code = cps.sendStatus(referral.id().value(), StateStatus.INVESTIGATION_OPENED, "assigned to a caseworker");

        assertEquals(202, code);
        List<StatusUpdate> updates = reporter.updates();
        assertEquals(2, updates.size(), () -> String.valueOf(updates));
        StatusUpdate later = updates.get(1);
        assertEquals(DeliveryStatus.INVESTIGATION_OPENED, later.status());
        assertEquals(referral.id(), later.referralId());
        assertEquals(TX, later.jurisdiction());
        assertEquals("TX-CPS-2026-000001", later.stateIntakeNumber());
        assertEquals(TestSupport.CLOCK.instant(), later.at());
        assertEquals("Texas CPS intake: investigation-opened (assigned to a caseworker)", later.reason());
    }

    @Test
    void anInvalidStatusDocumentIsAnsweredWith400AndNotReported() throws Exception {
        assertEquals(400, cps.postStatus("<ext:ReferralStatusReport xmlns:ext=\"" + TexasXml.EXT + "\"/>"));
        assertEquals(400, cps.postStatus("not xml"));
        assertTrue(reporter.updates().isEmpty());
    }

    @Test
    void aStatusWithoutTheTokenIsRefused() throws Exception {
        String xml = TexasAgencyPeer.statusReport("ref-78", null, Agency.CPS_INTAKE,
                StateStatus.SCREENED_OUT, Instant.parse("2026-11-22T08:00:00Z"), null);
        cps.statusCallback(statusUri, null);
        assertEquals(401, cps.postStatus(xml));
        cps.statusCallback(statusUri, "another-token");
        assertEquals(401, cps.postStatus(xml));
        assertTrue(reporter.updates().isEmpty(), "a status from an unauthenticated caller was reported");
        cps.statusCallback(statusUri, TOKEN);
        assertEquals(202, cps.postStatus(xml));
        assertEquals(DeliveryStatus.SCREENED_OUT, reporter.updates().get(0).status());
    }

    /** Every status Texas may send, and what the hospital then sees. */
    @ParameterizedTest(name = "{0} from {1} -> {2}")
    @CsvSource({
            "received,             cps-intake,      ACKNOWLEDGED,         Texas CPS intake: received",
            "screened-in,          cps-intake,      SCREENED_IN,          Texas CPS intake: screened-in",
            "screened-out,         law-enforcement, SCREENED_OUT,         Texas law-enforcement notification: screened-out",
            "investigation-opened, law-enforcement, INVESTIGATION_OPENED, Texas law-enforcement notification: investigation-opened",
            "rejected,             cps-intake,      REJECTED,             Texas CPS intake: rejected"})
    void everyStateStatusMapsToItsDeliveryStatus(String state, String agency, DeliveryStatus expected, String reason) {
        Instant at = Instant.parse("2026-11-22T08:00:00Z");
        String xml = TexasAgencyPeer.statusReport("ref-77", "TX-X-2026-000009",
                Agency.fromValue(agency), StateStatus.fromValue(state), at, null);

        Exchange answer = path.producer().send(TexasAdapter.STATUS_ENDPOINT, e -> e.getMessage().setBody(xml));

        assertEquals(202, answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        StatusUpdate update = reporter.updates().get(0);
        assertEquals(new StatusUpdate(new ReferralId("ref-77"), TX, expected, "TX-X-2026-000009", at, reason), update);
    }

    private java.net.http.HttpResponse<String> post(String body, String authorization) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(statusUri)
                .header("Content-Type", TexasXml.MEDIA_TYPE).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aForgedStatusWithoutCredentialsIsRefusedBeforeParsingAndNothingChanges() throws Exception {
        // not even a valid document: refused for the missing credential, not for the XML
        var answer = post("<not-even-xml", null);
        assertEquals(401, answer.statusCode());
        assertTrue(!answer.body().contains("Exception") && !answer.body().contains("xml"), answer.body());
        String forged = TexasAgencyPeer.statusReport("ref-79", null, Agency.LAW_ENFORCEMENT,
                StateStatus.INVESTIGATION_OPENED, Instant.parse("2026-11-22T08:00:00Z"), null);
        assertEquals(401, post(forged, "Bearer guessed").statusCode());
        assertTrue(reporter.updates().isEmpty(), "the delivery status and its clocks are as they were");
    }

    @Test
    void anOversizeStatusIsRefusedWith413() throws Exception {
        String huge = "<x>" + "a".repeat(200_000) + "</x>";
        assertEquals(413, post(huge, "Bearer " + TOKEN).statusCode());
        assertTrue(reporter.updates().isEmpty());
    }

    @Test
    void aStatusForAReferralTexasNeverReceivedIsAnswered404WithoutInternals() throws Exception {
        path.close();
        org.safeharbor.api.v1.StatusReporter refusing = new org.safeharbor.tck.RecordedAttempts() {
            @Override
            public void report(StatusUpdate update) {
                throw new java.util.NoSuchElementException("no delivery of referral ref-80 to US-TX (SELECT ...)");
            }
        };
        path = pathOf(sandboxConfig(), refusing);
        String xml = TexasAgencyPeer.statusReport("ref-80", null, Agency.CPS_INTAKE,
                StateStatus.SCREENED_OUT, Instant.parse("2026-11-22T08:00:00Z"), null);
        var answer = post(xml, "Bearer " + TOKEN);
        assertEquals(404, answer.statusCode());
        assertTrue(!answer.body().contains("SELECT") && !answer.body().contains("ref-80"), answer.body());
    }
}
