package org.safeharbor.jurisdiction.us.ma;

import org.safeharbor.jurisdiction.support.v1.StatusCallers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.StatusUpdate;

/** The status-parsing processor on its own (the HTTP path is in {@link StatusBackTest}). */
class StatusReceiverTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");
    private final RecordingReporter reporter = new RecordingReporter();

    private static final String TOKEN = "Bearer t0ken";
    private final StatusReceiver receiver = receiver(reporter);

    private static StatusReceiver receiver(RecordingReporter reporter) {
        return new StatusReceiver(MA, reporter, new StatusCallers("t0ken", ""), StatusCallers.DEFAULT_MAX_BODY_BYTES, update -> { });
    }

    @Test
    void parsesAStatusMessage() {
        StatusUpdate update = receiver.parse("{\"referralId\":\"r-1\",\"intakeNumber\":\"MA-2026-000007\","
                + "\"status\":\"screened-in\",\"at\":\"2026-11-23T10:00:00Z\"}");
        assertEquals("r-1", update.referralId().value());
        assertEquals(DeliveryStatus.SCREENED_IN, update.status());
        assertEquals("MA-2026-000007", update.stateIntakeNumber());
        assertEquals(Instant.parse("2026-11-23T10:00:00Z"), update.at());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"referralId\":\"r-1\",\"status\":\"screened-in\",\"at\":\"yesterday\"}",
        "{\"referralId\":\"r-1\",\"status\":\"screened-in\",\"at\":\"2026-11-23T10:00:00Z\",\"childName\":\"x\"}",
        "{\"referralId\":\"../etc\",\"status\":\"screened-in\",\"at\":\"2026-11-23T10:00:00Z\"}",
        "{\"referralId\":\"r-1\",\"status\":\"offender\",\"at\":\"2026-11-23T10:00:00Z\"}",
        "not json",
    })
    void refusesWhatTheStatusSchemaRefuses(String body) {
        assertThrows(IllegalArgumentException.class, () -> receiver.parse(body));
    }

    private static final String VALID = "{\"referralId\":\"r-1\",\"status\":\"screened-out\",\"at\":\"2026-11-23T10:00:00Z\","
            + "\"reason\":\"no jurisdiction\"}";

    private static Exchange post(StatusReceiver processor, String body, String authorization) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(body);
        if (authorization != null) {
            exchange.getMessage().setHeader("Authorization", authorization);
        }
        processor.process(exchange);
        return exchange;
    }

    @Test
    void answers202AndReportsAValidStatus() {
        Exchange exchange = post(receiver, VALID, TOKEN);
        assertEquals(202, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(DeliveryStatus.SCREENED_OUT, reporter.updates.get(0).status());
        assertEquals("no jurisdiction", reporter.updates.get(0).reason());
    }

    @Test
    void answers400AndReportsNothingForAnInvalidStatus() {
        Exchange exchange = post(receiver, VALID.replace("screened-out", "closed"), TOKEN);
        assertEquals(400, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(List.of(), reporter.updates);
    }

    @Test
    void answers401WithoutTheConfiguredToken() {
        StatusReceiver guarded = receiver;
        assertEquals(401, post(guarded, VALID, null).getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(401, post(guarded, VALID, "Bearer other").getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(List.of(), reporter.updates);
        assertEquals(202, post(guarded, VALID, "Bearer t0ken").getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
    }

    @Test
    void answers503WhenTheCoreCannotRecordItSoDcfSendsItAgain() {
        StatusReceiver failing = receiver(new RecordingReporter() {
            @Override
            public void report(org.safeharbor.api.v1.StatusUpdate update) {
                throw new IllegalStateException("database down");
            }
        });
        Exchange exchange = post(failing, VALID, TOKEN);
        assertEquals(503, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertFalse(exchange.getMessage().getBody(String.class).contains("database"), "no internals in the answer");
    }

    @Test
    void answers503WhenTheNoticesAStatusMakesDueCannotBeRecordedSoDcfSendsItAgain() {
        List<org.safeharbor.api.v1.StatusUpdate> followed = new java.util.ArrayList<>();
        StatusReceiver notices = new StatusReceiver(MA, reporter, new StatusCallers("t0ken", ""), StatusCallers.DEFAULT_MAX_BODY_BYTES,
                update -> {
                    followed.add(update);
                    throw new IllegalStateException("broker down");
                });
        Exchange exchange = post(notices, VALID, TOKEN);
        assertEquals(503, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertFalse(exchange.getMessage().getBody(String.class).contains("broker"), "no internals in the answer");
        assertEquals(reporter.updates, followed, "the status was recorded first, then its notices were tried");
    }

    @Test
    void answers401BeforeReadingTheBody() {
        java.io.InputStream unread = new java.io.ByteArrayInputStream(VALID.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(unread);
        receiver.process(exchange);
        assertEquals(401, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(VALID.length(), ((java.io.ByteArrayInputStream) unread).available(), "not a byte of the body was read");
    }

    @Test
    void answers404ForAReferralDcfNeverReceivedFromUsWithoutInternals() {
        StatusReceiver receiver = receiver(new RecordingReporter() {
            @Override
            public void report(org.safeharbor.api.v1.StatusUpdate update) {
                throw new java.util.NoSuchElementException("no delivery of referral r-1 to US-MA (SELECT ...)");
            }
        });
        Exchange exchange = post(receiver, VALID, TOKEN);
        assertEquals(404, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        String body = exchange.getMessage().getBody(String.class);
        assertFalse(body.contains("SELECT") || body.contains("r-1") || body.contains("Exception"), body);
    }

    @Test
    void answers413ForAnOversizeBodyWithoutReadingIt() {
        StatusReceiver small = new StatusReceiver(MA, reporter, new StatusCallers("t0ken", ""), 100, update -> { });
        byte[] big = new byte[10_000];
        java.util.Arrays.fill(big, (byte) ' ');
        java.io.ByteArrayInputStream unread = new java.io.ByteArrayInputStream(big);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(unread);
        exchange.getMessage().setHeader("Authorization", TOKEN);
        small.process(exchange);
        assertEquals(413, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(10_000 - 101, unread.available(), "read no further than one byte past the bound");
        assertEquals(List.of(), reporter.updates);
    }

    /** A self-signed certificate (EC P-256, CN=localhost; the public part only), as DCF's client certificate. */
    private static final String CLIENT_CERTIFICATE = """
            -----BEGIN CERTIFICATE-----
            MIIB0DCCAXWgAwIBAgIIL8RGG85tZYkwCgYIKoZIzj0EAwIwTTE3MDUGA1UECxMu
            U2FmZUhhcmJvciBCcmlkZ2Ugc2FuZGJveCAoTk9UIEZPUiBQUk9EVUNUSU9OKTES
            MBAGA1UEAxMJbG9jYWxob3N0MCAXDTI2MTEyMTIwMjk1M1oYDzIxMjYxMDI4MjAy
            OTUzWjBNMTcwNQYDVQQLEy5TYWZlSGFyYm9yIEJyaWRnZSBzYW5kYm94IChOT1Qg
            Rk9SIFBST0RVQ1RJT04pMRIwEAYDVQQDEwlsb2NhbGhvc3QwWTATBgcqhkjOPQIB
            BggqhkjOPQMBBwNCAATxiwZATYNm51TeW+7dPIF5/6lizEWRje3O1pq1YAH+j+9B
            vGxcD/DcE/UnKJItZ4axQHB4amlo/4gnibQYfaGfoz0wOzAdBgNVHQ4EFgQUPWq6
            J+1N2tRWi8gnoakkREs3sjYwGgYDVR0RBBMwEYIJbG9jYWxob3N0hwR/AAABMAoG
            CCqGSM49BAMCA0kAMEYCIQD1NFp0sjJyHPur+sKzWQFCYzD93rz1AKCxEhnpgSe3
            4gIhAMEIcPgsx5TzjqeQxeWD1D8mXbQdN95wL7uuZJivugJD
            -----END CERTIFICATE-----
            """;

    @Test
    void aPinnedClientCertificateIsACredentialAndAnotherIsNot() throws Exception {
        java.security.cert.X509Certificate certificate = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(CLIENT_CERTIFICATE.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        String fingerprint = java.util.HexFormat.ofDelimiter(":").formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        StatusCallers pinned = new StatusCallers("", fingerprint.toUpperCase(java.util.Locale.ROOT));
        org.junit.jupiter.api.Assertions.assertTrue(pinned.configured());
        org.junit.jupiter.api.Assertions.assertTrue(pinned.admit(null, new java.security.cert.X509Certificate[] {certificate}));
        assertFalse(pinned.admit("Bearer ", null));
        assertFalse(new StatusCallers("", "00".repeat(32)).admit(null, new java.security.cert.X509Certificate[] {certificate}));
        assertFalse(new StatusCallers(" ", "").configured(), "no credential: nobody is admitted and the endpoint stays off");
    }
}
