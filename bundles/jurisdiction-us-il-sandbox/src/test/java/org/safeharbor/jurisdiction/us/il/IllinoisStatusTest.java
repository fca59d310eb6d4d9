package org.safeharbor.jurisdiction.us.il;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import jakarta.xml.ws.WebServiceException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.us.il.wire.StatusCode;

/**
 * The state's later statuses: the peer calls the adapter's SOAP status service, published here the
 * way the core publishes it in Karaf (the adapter's CXF servlet mounted at /jurisdictions/us-il/*
 * on a Jetty 12 ee10 servlet context).
 */
class IllinoisStatusTest extends IllinoisPeerFixture {

    private final Referral referral = referral(IllinoisAdapter.US_IL,
            allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE));
    private StatusServer core;
    /** The state's credentials on the status service: without any, the adapter does not publish it. */
    private static final Map<String, Object> CREDENTIALS = Map.of("statusUsername", "dcfs-scr", "_statusPassword", "s3cret");

    /** Starts the adapter, mounts its status servlet as the core would, and delivers one referral. */
    private String deliverAndMountStatusService(Map<String, Object> config) throws Exception {
        startAdapter(config, UnaryOperator.identity());
        core = StatusServer.mount(adapter);
        String statusUrl = core.url().toString();
        assertEquals(null, deliver(referral).getException());
        return statusUrl;
    }

    @AfterEach
    void stopCore() throws Exception {
        if (core != null) {
            core.close();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "received,             ACKNOWLEDGED",
            "screened-in,          SCREENED_IN",
            "screened-out,         SCREENED_OUT",
            "investigation-opened, INVESTIGATION_OPENED",
            "rejected,             REJECTED",
    })
    void aLaterStatusFromTheStateBecomesTheCanonicalStatus(String state, DeliveryStatus expected) throws Exception {
        peer.callback(deliverAndMountStatusService(CREDENTIALS), "dcfs-scr", "s3cret");
        String intakeNumber = reporter.updates().get(0).stateIntakeNumber();

        peer.sendStatus(referral.id().value(), StatusCode.fromValue(state), "reason code 7");

        assertEquals(2, reporter.updates().size(), () -> "updates: " + reporter.statuses());
        StatusUpdate update = reporter.updates().get(1);
        assertEquals(expected, update.status());
        assertEquals(referral.id(), update.referralId());
        assertEquals(IllinoisAdapter.US_IL, update.jurisdiction());
        assertEquals(intakeNumber, update.stateIntakeNumber());
        assertEquals(CLOCK.instant(), update.at());
        assertEquals("reason code 7", update.reason());
    }

    @Test
    void aNotificationOutsideTheSchemaIsRefusedAndNotReported() throws Exception {
        String statusUrl = deliverAndMountStatusService(CREDENTIALS);
        String intakeNumber = reporter.updates().get(0).stateIntakeNumber();
        String envelope = """
                <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
                  <soap:Body>
                    <StatusNotification xmlns="https://safeharbor-bridge.org/reference/us-il/intake/v1">
                      <ReferralId>%s</ReferralId>
                      <IntakeNumber>%s</IntakeNumber>
                      <Status>closed</Status>
                      <At>2026-11-22T08:00:00Z</At>
                    </StatusNotification>
                  </soap:Body>
                </soap:Envelope>""".formatted(referral.id().value(), intakeNumber);

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(statusUrl))
                .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"urn:us-il:NotifyStatus\"")
                .header("Authorization", BASIC)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(envelope)).build(),
                HttpResponse.BodyHandlers.ofString());

        // the caller's fault: 400 and a Client fault naming the schema rule, not SOAP's 500 (the kit's SoapStatusGuards)
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("Fault") && response.body().contains("cvc-enumeration-valid"), response.body());
        assertFalse(response.body().contains("closed"), "the refused value is not quoted: " + response.body());
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED), reporter.statuses(), "an unknown status reached the core");
    }

    @Test
    void withCredentialsConfiguredTheStatusServiceRefusesAnUnauthenticatedCaller() throws Exception {
        String statusUrl = deliverAndMountStatusService(CREDENTIALS);

        peer.callback(statusUrl, "", "");
        assertThrows(WebServiceException.class, () -> peer.sendStatus(referral.id().value(), StatusCode.SCREENED_IN));
        peer.callback(statusUrl, "dcfs-scr", "wrong");
        assertThrows(WebServiceException.class, () -> peer.sendStatus(referral.id().value(), StatusCode.SCREENED_IN));
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED), reporter.statuses());

        peer.callback(statusUrl, "dcfs-scr", "s3cret");
        assertNotNull(peer.sendStatus(referral.id().value(), StatusCode.SCREENED_IN));
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.SCREENED_IN), reporter.statuses());
    }

    @Test
    void thePeerCanSendItsStatusesOnItsOwnAfterANewReport() throws Exception {
        startAdapter(CREDENTIALS, UnaryOperator.identity());
        core = StatusServer.mount(adapter);
        peer.callback(core.url().toString(), "dcfs-scr", "s3cret");
        peer.autoStatuses(List.of(StatusCode.SCREENED_IN, StatusCode.INVESTIGATION_OPENED), Duration.ZERO);

        deliver(referral);

        // the sandbox's statuses come from its own thread: wait for all three, then check them
        List<DeliveryStatus> statuses = reporter.awaitUpdates(3).stream().map(StatusUpdate::status).toList();
        assertTrue(statuses.contains(DeliveryStatus.ACKNOWLEDGED), statuses::toString);
        assertTrue(statuses.indexOf(DeliveryStatus.SCREENED_IN) < statuses.indexOf(DeliveryStatus.INVESTIGATION_OPENED),
                statuses::toString);
    }

    private static final String BASIC = "Basic " + java.util.Base64.getEncoder().encodeToString("dcfs-scr:s3cret".getBytes());

    private String notification(String referralId, String status) {
        return """
                <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
                  <soap:Body>
                    <StatusNotification xmlns="https://safeharbor-bridge.org/reference/us-il/intake/v1">
                      <ReferralId>%s</ReferralId>
                      <IntakeNumber>IL-2026-000001</IntakeNumber>
                      <Status>%s</Status>
                      <At>2026-11-22T08:00:00Z</At>
                    </StatusNotification>
                  </soap:Body>
                </soap:Envelope>""".formatted(referralId, status);
    }

    private static HttpResponse<String> post(String statusUrl, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(statusUrl))
                .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"urn:us-il:NotifyStatus\"")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aForgedStatusWithoutCredentialsIsRefusedBeforeParsingAndNothingChanges() throws Exception {
        String statusUrl = deliverAndMountStatusService(CREDENTIALS);

        HttpResponse<String> forged = post(statusUrl, notification(referral.id().value(), "investigation-opened"), null);
        HttpResponse<String> garbage = post(statusUrl, "<not-even-xml", null);

        assertEquals(401, forged.statusCode());
        assertEquals(401, garbage.statusCode(), "refused for the credential, before the envelope is parsed");
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED), reporter.statuses(), "the delivery status and its clocks are as they were");
    }

    @Test
    void anOversizeNotificationIsRefusedWith413BeforeItIsParsed() throws Exception {
        String statusUrl = deliverAndMountStatusService(CREDENTIALS);
        String huge = notification(referral.id().value(), "screened-in").replace("<Status>", "<!--" + "x".repeat(200_000) + "--><Status>");

        assertEquals(413, post(statusUrl, huge, BASIC).statusCode());
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED), reporter.statuses());
    }

    @Test
    void aStatusForAReferralIllinoisNeverReceivedIsA404NamingNothing() throws Exception {
        String statusUrl = deliverAndMountStatusService(CREDENTIALS);
        reporter.treatAsUnknown("r-unknown-1");

        HttpResponse<String> response = post(statusUrl, notification("r-unknown-1", "screened-out"), BASIC);

        assertEquals(404, response.statusCode(), response.body());
        assertTrue(!response.body().contains("SELECT") && !response.body().contains("r-unknown-1")
                && !response.body().contains("Exception"), response.body());
    }
}
