package org.safeharbor.jurisdiction.us.il;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.safeharbor.tck.InMemoryPipeline;
import org.safeharbor.tck.RecordingStatusReporter;
import org.safeharbor.jurisdiction.support.v1.Redelivery;

/**
 * What the State Central Register's status call-back answers a request it cannot take: 400 (not SOAP's 500), a
 * Client fault, and nothing of the request in it nor in the log. CXF's own fault string and log line quote the value
 * the schema refused.
 */
class StatusEndpointRefusalTest {

    private static final String MARKER = IllinoisStatusFuzzTest.MARKER;
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("scr:s3cret".getBytes(StandardCharsets.UTF_8));
    private static final RecordingStatusReporter REPORTER = new RecordingStatusReporter();
    private static IllinoisAdapter adapter;
    private static InMemoryPipeline path;
    private static StatusServer jetty;
    private static URI statusUrl;

    /** The adapter's status route on the core's path, its servlet mounted as the core mounts it. */
    @BeforeAll
    static void start() throws Exception {
        adapter = new IllinoisAdapter(Configs.adapter(Map.of("statusUsername", "scr", "_statusPassword", "s3cret")), Redelivery.DEFAULT, REPORTER, false);
        path = new InMemoryPipeline(adapter, REPORTER, Clock.systemUTC()).start();
        jetty = StatusServer.mount(adapter);
        statusUrl = jetty.url();
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.close();
        path.close();
        adapter.close();
    }

    static String envelope(String body) {
        return "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>" + body + "</soap:Body></soap:Envelope>";
    }

    static String notification(String status, String intakeNumber, String at) {
        return "<StatusNotification xmlns=\"https://safeharbor-bridge.org/reference/us-il/intake/v1\"><ReferralId>r-1</ReferralId>"
                + "<IntakeNumber>" + intakeNumber + "</IntakeNumber><Status>" + status + "</Status><At>" + at + "</At></StatusNotification>";
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "intake-number", "date", "not-xml", "not-soap", "unknown-element", "deep", "empty"})
    void aRequestCxfCannotTakeIs400WithAClientFaultThatQuotesNothing(String what) throws Exception {
        String body = switch (what) {
            case "status" -> envelope(notification(MARKER, "IL-2026-000001", "2026-11-22T08:00:00Z"));
            case "intake-number" -> envelope(notification("received", MARKER, "2026-11-22T08:00:00Z"));
            case "date" -> envelope(notification("received", "IL-2026-000001", MARKER));
            case "not-xml" -> "<soap:Envelope " + MARKER;
            case "not-soap" -> "<" + MARKER + "/>";
            case "unknown-element" -> envelope("<" + MARKER + " xmlns=\"urn:x\"/>");
            case "deep" -> envelope("<a>".repeat(40) + MARKER + "</a>".repeat(40));
            default -> "";
        };
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(statusUrl)
                .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"urn:us-il:NotifyStatus\"")
                .header("Authorization", BASIC).timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        } finally {
            System.setErr(original);
        }
        original.print(log.toString(StandardCharsets.UTF_8));
        assertFalse(log.toString(StandardCharsets.UTF_8).contains(MARKER), "the log quotes the request: " + log);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("US-IL status call-back refused"), log.toString(StandardCharsets.UTF_8));

        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("Client"), response.body());
        assertFalse(response.body().contains(MARKER), "the fault quotes the request: " + response.body());
        assertEquals(0, REPORTER.updates().size());
    }
}
