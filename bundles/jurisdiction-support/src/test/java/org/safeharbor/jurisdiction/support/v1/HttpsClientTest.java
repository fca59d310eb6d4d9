package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.Jurisdiction;

/** The kit's HTTPS client against a real local HTTPS server (the JDK's), with certificates made for the test. */
class HttpsClientTest {

    private static final Jurisdiction ZZ = Jurisdiction.of("US-ZZ");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** What the server quotes back in an error answer: personal data that must not reach an exception's message. */
    private static final String QUOTED = "child Jane Roe born 2011-03-04";

    @TempDir
    Path dir;

    KeyStore serverKeys;
    Path trustFile;
    HttpsServer server;
    volatile int answerStatus = 200;
    final List<Headers> received = new CopyOnWriteArrayList<>();
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final Map<String, Certificate[]> clientCertificates = new ConcurrentHashMap<>();
    DefaultCamelContext camel;

    @BeforeEach
    void startServer() throws Exception {
        serverKeys = TestCertificates.keyStore("localhost");
        trustFile = TestCertificates.trustFile(serverKeys, dir, "server-trust");
    }

    /** Starts the server; {@code clientTrust} non-null: it requires a client certificate that this store trusts. */
    void start(KeyStore clientTrust) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(serverKeys, TestCertificates.PASSWORD);
        TrustManagerFactory trust = null;
        if (clientTrust != null) {
            trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(clientTrust);
        }
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = tls.getDefaultSSLParameters();
                parameters.setNeedClientAuth(clientTrust != null);
                params.setSSLParameters(parameters);
            }
        });
        server.createContext("/intake", exchange -> {
            received.add(exchange.getRequestHeaders());
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            SSLSession session = ((HttpsExchange) exchange).getSSLSession();
            try {
                clientCertificates.put("last", session.getPeerCertificates());
            } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
                clientCertificates.remove("last");
            }
            int status = answerStatus;
            byte[] answer = (status < 300 ? "{\"intakeNumber\":\"ZZ-1\"}" : "invalid: " + QUOTED).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("X-State-Session", "secret-session");
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (camel != null) {
            camel.stop();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    String url() {
        return "https://localhost:" + server.getAddress().getPort() + "/intake?source=bridge";
    }

    void routes(HttpsClient client) throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                client.install(getContext());
                client.post(from("direct:deliver").routeId("US-ZZ-deliver"), url());
            }
        });
        camel.start();
    }

    HttpsClient trusting() {
        return HttpsClient.of(ZZ, TIMEOUT, TIMEOUT).trustStore(trustFile.toString(), new String(TestCertificates.PASSWORD));
    }

    Exchange send() {
        return camel.createProducerTemplate().send("direct:deliver", exchange -> {
            exchange.getMessage().setBody("{\"referralId\":\"r-1\"}");
            exchange.getMessage().setHeader(DeliveryContract.STATE_REFERRAL_ID, "r-1");
            exchange.getMessage().setHeader(DeliveryContract.STATE_ATTEMPT, "2");
            exchange.getMessage().setHeader(DeliveryContract.REFERRAL_ID, "r-1");
            exchange.getMessage().setHeader(DeliveryContract.JURISDICTION, "US-ZZ");
            exchange.getMessage().setHeader("childName", "Jane Roe");
            exchange.getMessage().setHeader("Authorization", "Bearer leaked-from-the-queue");
        });
    }

    @Test
    void postsTheBodyWithOnlyTheContractsHeadersAndReturnsTheAnswer() throws Exception {
        start(null);
        routes(trusting().basicAuth("bridge", "s3cret").mediaType("application/json"));

        Exchange exchange = send();

        assertNull(exchange.getException());
        assertEquals("{\"intakeNumber\":\"ZZ-1\"}", exchange.getMessage().getBody(String.class));
        assertEquals("{\"referralId\":\"r-1\"}", bodies.get(0));
        Headers headers = received.get(0);
        assertEquals("r-1", headers.getFirst(DeliveryContract.STATE_REFERRAL_ID));
        assertEquals("2", headers.getFirst(DeliveryContract.STATE_ATTEMPT));
        assertTrue(headers.getFirst("Content-Type").startsWith("application/json"), headers.getFirst("Content-Type"));
        // the configured credentials, not the exchange's header
        assertEquals(List.of("Basic " + Base64.getEncoder().encodeToString("bridge:s3cret".getBytes(StandardCharsets.UTF_8))),
                headers.get("Authorization"));
        for (String name : List.of(DeliveryContract.REFERRAL_ID, DeliveryContract.JURISDICTION, "childName")) {
            assertFalse(headers.containsKey(name), name + " reached the state");
        }
        List<String> camelHeaders = new ArrayList<>(headers.keySet());
        camelHeaders.removeIf(h -> !h.toLowerCase().startsWith("camel"));
        assertEquals(List.of(), camelHeaders);
        assertNull(exchange.getMessage().getHeader("X-State-Session"), "a header of the answer came onto the exchange");
    }

    @Test
    void aRefusalOfTheReportIsAStateRejectionThatQuotesNothingOfTheAnswer() throws Exception {
        start(null);
        routes(trusting());
        for (int status : new int[] {400, 409, 413, 415, 422}) {
            answerStatus = status;
            Exception failure = send().getException();
            StateRejectedException refused = assertInstanceOf(StateRejectedException.class, failure, "HTTP " + status);
            assertTrue(refused.getMessage().contains("HTTP " + status), refused.getMessage());
            assertTrue(refused.getMessage().startsWith("US-ZZ (localhost:"), refused.getMessage());
            assertFalse(refused.getMessage().contains("Jane"), refused.getMessage());
        }
    }

    @Test
    void serverErrorsAndAnswersAboutOurSideAreRetryableFailures() throws Exception {
        start(null);
        routes(trusting());
        for (int status : new int[] {500, 502, 503, 401, 403, 404, 408, 429, 302}) {
            answerStatus = status;
            int before = bodies.size();
            Exception failure = send().getException();
            assertEquals(before + 1, bodies.size(), "HTTP " + status + ": one request per attempt, no retry by the HTTP client");
            HttpOperationFailedException http = assertInstanceOf(HttpOperationFailedException.class, failure, "HTTP " + status);
            assertEquals(status, http.getStatusCode());
            assertFalse(http.getMessage().contains("Jane"), http.getMessage());
            assertNull(http.getResponseBody());
        }
    }

    @Test
    void anUntrustedCertificateIsAPassingFailureNotARefusal() throws Exception {
        start(null);
        // the JVM's default trust does not know the server's self-signed certificate
        routes(HttpsClient.of(ZZ, TIMEOUT, TIMEOUT));

        Exception failure = send().getException();

        assertNotNull(failure);
        assertFalse(failure instanceof StateRejectedException);
        assertTrue(causedBy(failure, SSLException.class), String.valueOf(failure));
        assertTrue(bodies.isEmpty());
    }

    @Test
    void presentsTheConfiguredClientCertificateForMutualTls() throws Exception {
        KeyStore clientKeys = TestCertificates.keyStore("us-zz-bridge");
        KeyStore clientTrust = KeyStore.getInstance("PKCS12");
        clientTrust.load(null, null);
        clientTrust.setCertificateEntry("bridge", clientKeys.getCertificate("key"));
        start(clientTrust);

        routes(trusting());
        assertTrue(causedBy(send().getException(), IOException.class), "no client certificate, no connection");
        camel.stop();

        Path keyFile = TestCertificates.write(clientKeys, dir, "client");
        routes(trusting().keyStore(keyFile.toString(), new String(TestCertificates.PASSWORD)));
        Exchange exchange = send();

        assertNull(exchange.getException());
        assertEquals(clientKeys.getCertificate("key"), clientCertificates.get("last")[0]);
    }

    @Test
    void aStoreThatCannotBeReadFailsWhenConfiguredNamingTheFile() {
        IllegalArgumentException wrongPassword = assertThrows(IllegalArgumentException.class,
                () -> HttpsClient.of(ZZ, TIMEOUT, TIMEOUT).trustStore(trustFile.toString(), "not-the-password"));
        assertTrue(wrongPassword.getMessage().contains(trustFile.toString()), wrongPassword.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> HttpsClient.of(ZZ, TIMEOUT, TIMEOUT).keyStore(dir.resolve("missing.p12").toString(), "x"));
    }

    @Test
    void onlyHttpsUrlsAndPositiveTimeouts() {
        HttpsClient client = HttpsClient.of(ZZ, TIMEOUT, TIMEOUT);
        assertThrows(IllegalArgumentException.class, () -> client.endpoint("http://state.example.gov/intake"));
        assertThrows(IllegalArgumentException.class, () -> client.endpoint("https:///intake"));
        assertThrows(IllegalArgumentException.class, () -> client.endpoint(""));
        assertEquals("us-zz-https://state.example.gov:8443/intake?a=b&throwExceptionOnFailure=false",
                client.endpoint(" https://state.example.gov:8443/intake?a=b "));
        assertThrows(IllegalArgumentException.class, () -> HttpsClient.of(ZZ, Duration.ZERO, TIMEOUT));
        assertThrows(IllegalArgumentException.class, () -> HttpsClient.of(ZZ, TIMEOUT, Duration.ofSeconds(-1)));
    }

    @Test
    void aPurposesClientHasAComponentOfItsOwnBesideTheStates() {
        HttpsClient team = HttpsClient.of(ZZ, "coordination-ma-seen", TIMEOUT, TIMEOUT);
        assertEquals("us-zz-coordination-ma-seen-https", team.componentName());
        assertEquals("us-zz-https", HttpsClient.of(ZZ, TIMEOUT, TIMEOUT).componentName());
        assertEquals("us-zz-coordination-ma-seen-https://team.example.org/fhir/Communication?throwExceptionOnFailure=false",
                team.endpoint("https://team.example.org/fhir/Communication"));
        assertThrows(IllegalArgumentException.class, () -> HttpsClient.of(ZZ, "Team A", TIMEOUT, TIMEOUT));
    }

    @Test
    void aNewConfigurationReplacesTheStatesComponent() throws Exception {
        start(null);
        routes(trusting());
        var first = camel.getComponent("us-zz-https");
        var second = trusting().install(camel);
        assertTrue(first != second && camel.getComponent("us-zz-https") == second);
    }

    @Test
    void refusalsAreTheFourHundredsThatSpeakOfTheReport() {
        for (int status = 400; status < 500; status++) {
            assertEquals(!HttpsClient.RETRIED_4XX.contains(status), HttpsClient.refuses(status), "HTTP " + status);
        }
        for (int status : new int[] {200, 302, 500, 503}) {
            assertFalse(HttpsClient.refuses(status));
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
