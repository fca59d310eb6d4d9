package org.safeharbor.jurisdiction.us.tx.sandbox;

import org.safeharbor.jurisdiction.support.v1.PemTrust;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.safeharbor.jurisdiction.support.v1.SchemaXml.InvalidDocumentException;
import org.safeharbor.jurisdiction.us.tx.TexasNiemFormat;
import org.safeharbor.jurisdiction.us.tx.TexasXml;
import org.safeharbor.jurisdiction.us.tx.wire.Agency;
import org.safeharbor.jurisdiction.us.tx.wire.IdentificationType;
import org.safeharbor.jurisdiction.us.tx.wire.ReferralAcknowledgementType;
import org.safeharbor.jurisdiction.us.tx.wire.ReferralStatusReportType;
import org.safeharbor.jurisdiction.us.tx.wire.StateStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for one Texas receiving system (CPS intake or law-enforcement notification): a real HTTPS
 * server (Jetty 12, {@link SslContextFactory.Server} with the sandbox's self-signed certificate) that
 * <ul>
 *   <li>accepts {@code POST <path>} with an {@code ext:ChildTraffickingReport}, validated against the bundle's
 *       own schema (anything else: HTTP 400, nothing recorded);</li>
 *   <li>records each delivery in memory and as {@code <directory>/<referralId>.xml};</li>
 *   <li>answers with an {@code ext:ReferralAcknowledgement} carrying its number, e.g. {@code TX-CPS-2026-000001};
 *       a redelivery of the same referral gets the same number (the referral id de-duplicates);</li>
 *   <li>sends later statuses back to the adapter with {@link #sendStatus}.</li>
 * </ul>
 * SANDBOX ONLY: not a Texas system; it logs referral ids and numbers, never the report's content.
 */
public class TexasAgencyPeer {

    /** Largest report accepted; a report is a few kilobytes. */
    static final int MAX_BODY_BYTES = 1024 * 1024;
    /** Deliveries kept in memory; the oldest are dropped beyond this (the files stay). */
    static final int MAX_KEPT = 1000;
    /** Referral ids that are safe as a file name. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Logger LOG = LoggerFactory.getLogger(TexasAgencyPeer.class);

    /** One report as the peer received it. */
    public record Delivery(String referralId, String document, String number, Instant at) {
    }

    private final Agency agency;
    private final String host;
    private final int requestedPort;
    private final KeyStore keyStore;
    private final String keyStorePassword;
    private final Path directory;
    private final Clock clock;
    private final List<Delivery> deliveries = new ArrayList<>();
    private final Map<String, String> numbers = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final List<Map<String, String>> requestHeaders = new ArrayList<>();
    private volatile int answerStatus;
    private HttpClient statusClient;
    private volatile java.nio.file.Path statusCa;
    private volatile String expectedAuthorization;
    private volatile URI statusCallback;
    private volatile String statusToken;
    private Server server;

    /**
     * @param agency           which receiving system this peer plays
     * @param host             interface to bind, e.g. {@code 127.0.0.1}
     * @param port             port, or 0 for a free one
     * @param keyStore         PKCS12 key store with the server's key and certificate
     * @param keyStorePassword its password
     * @param directory        where each delivery is written as {@code <referralId>.xml}; null to keep them in memory only
     * @param clock            for acknowledgement times and the year in the numbers
     */
    public TexasAgencyPeer(Agency agency, String host, int port, KeyStore keyStore, String keyStorePassword, Path directory,
                           Clock clock) {
        this.agency = Objects.requireNonNull(agency, "agency");
        this.host = host;
        this.requestedPort = port;
        this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
        this.keyStorePassword = keyStorePassword;
        this.directory = directory;
        this.clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** Prefix of this agency's intake or case numbers in the sandbox, e.g. {@code TX-CPS}. */
    public static String numberPrefix(Agency agency) {
        return agency == Agency.CPS_INTAKE ? "TX-CPS" : "TX-LE";
    }

    /** The path reports are POSTed to. */
    public static String path(Agency agency) {
        return agency == Agency.CPS_INTAKE ? "/cps/intake" : "/law-enforcement/notifications";
    }

    /** Requires HTTP Basic credentials on every report (null: none required). */
    public TexasAgencyPeer requireBasicAuth(String username, String password) {
        expectedAuthorization = username == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /**
     * Where {@link #sendStatus} POSTs, e.g. {@code https://localhost:8443/jurisdictions/us-tx/status}, and the
     * bearer token it presents there (null or empty: none).
     */
    public TexasAgencyPeer statusCallback(URI uri, String bearerToken) {
        this.statusCallback = uri;
        this.statusToken = bearerToken;
        return this;
    }

    /**
     * Trusts this PEM CA certificate for an https callback (the CA the adapter generates,
     * {@code etc/safeharbor/tls/ca.crt}, read into an in-memory trust store at the first status sent).
     */
    public TexasAgencyPeer statusTrust(java.nio.file.Path caCertificate) {
        this.statusCa = caCertificate;
        return this;
    }

    private synchronized HttpClient statusClient() throws IOException {
        if (statusClient == null) {
            statusClient = PemTrust.callbackClient(statusCa);
        }
        return statusClient;
    }

    /** Starts the HTTPS server; returns the port it listens on. */
    public synchronized int start() throws Exception {
        if (directory != null) {
            Files.createDirectories(directory);
        }
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keyStore);
        tls.setKeyStorePassword(keyStorePassword);
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer());
        server = new Server();
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(requestedPort);
        server.addConnector(connector);
        server.setHandler(new Intake());
        server.start();
        LOG.info("US-TX sandbox {} listening on https://{}:{}{}", agency.value(), host, port(), path(agency));
        return port();
    }

    public synchronized void stop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** The port, once started. */
    public synchronized int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** The URL the adapter POSTs to, e.g. {@code https://localhost:8743/cps/intake}. */
    public String url() {
        return "https://localhost:" + port() + path(agency);
    }

    public Agency agency() {
        return agency;
    }

    /** Every accepted delivery, oldest first (redeliveries included). */
    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /**
     * The HTTP headers of every report POSTed to this peer, in order, whatever it answered (the oldest dropped beyond
     * {@value #MAX_KEPT}); no personal data travels in them, the report is the body.
     */
    public synchronized List<Map<String, String>> requestHeaders() {
        return List.copyOf(requestHeaders);
    }

    /**
     * From now on answers every report with this HTTP status and records nothing, e.g. 503 (down for now: retried) or
     * 400 (the report refused: quarantined); 0 answers as the agency would again.
     */
    public TexasAgencyPeer answerWith(int httpStatus) {
        if (httpStatus != 0 && (httpStatus < 400 || httpStatus > 599)) {
            throw new IllegalArgumentException("an error status, or 0: " + httpStatus);
        }
        this.answerStatus = httpStatus;
        return this;
    }

    private synchronized void keepHeaders(Request request) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        request.getHeaders().forEach(field -> headers.merge(field.getName(), field.getValue(), (a, b) -> a + "," + b));
        requestHeaders.add(headers);
        if (requestHeaders.size() > MAX_KEPT) {
            requestHeaders.remove(0);
        }
    }

    /** The number this peer gave the referral, if it received it. */
    public Optional<String> numberOf(String referralId) {
        return Optional.ofNullable(numbers.get(referralId));
    }

    /**
     * Sends a later status of a received referral to the adapter, as the state would.
     *
     * @return the adapter's HTTP status code
     */
    public int sendStatus(String referralId, StateStatus status, String reason) throws IOException, InterruptedException {
        String number = numberOf(referralId).orElseThrow(() -> new IllegalArgumentException("this peer never received " + referralId));
        return postStatus(statusReport(referralId, number, agency, status, clock.instant(), reason));
    }

    /** An {@code ext:ReferralStatusReport} as the agency writes it; {@code number} and {@code reason} may be null. */
    public static String statusReport(String referralId, String number, Agency agency, StateStatus status, Instant at, String reason) {
        ReferralStatusReportType report = new ReferralStatusReportType();
        report.setReferralIdentification(id(referralId));
        report.setIntakeNumberIdentification(number == null ? null : id(number));
        report.setReceivingAgencyCode(agency);
        report.setReferralStatusCode(status);
        report.setStatusDateTime(TexasXml.dateTime(at));
        report.setStatusReasonText(reason == null || reason.isBlank() ? null : reason);
        return TexasXml.write(TexasXml.WIRE.createReferralStatusReport(report));
    }

    private static IdentificationType id(String value) {
        IdentificationType id = new IdentificationType();
        id.setIdentificationID(value);
        return id;
    }

    /** Posts any status document (tests use it for invalid ones). */
    public int postStatus(String xml) throws IOException, InterruptedException {
        URI target = Objects.requireNonNull(statusCallback, "no status callback configured");
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .header("Content-Type", TexasXml.MEDIA_TYPE + "; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(xml, StandardCharsets.UTF_8));
        String token = statusToken;
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token.trim());
        }
        return statusClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    // ------------------------------------------------------------------ the intake

    /** Validates, records and acknowledges one report. */
    synchronized String accept(String xml) throws IOException {
        // Validated against the bundle's own schema; read as the adapter's format reads it.
        String referralId = new TexasNiemFormat(Duration.ofHours(24)).read(xml).id().value();
        if (!SAFE_ID.matcher(referralId).matches()) {
            throw new InvalidDocumentException("referral id is not a safe identifier");
        }
        Instant now = clock.instant();
        String number = numbers.computeIfAbsent(referralId, id -> String.format("%s-%d-%06d", numberPrefix(agency),
                now.atZone(ZoneOffset.UTC).getYear(), sequence.incrementAndGet()));
        deliveries.add(new Delivery(referralId, xml, number, now));
        if (deliveries.size() > MAX_KEPT) {
            deliveries.remove(0);
        }
        if (directory != null) {
            Files.writeString(directory.resolve(referralId + ".xml"), xml, StandardCharsets.UTF_8);
        }
        LOG.info("US-TX sandbox {} accepted referral {} as {}", agency.value(), referralId, number);
        ReferralAcknowledgementType ack = new ReferralAcknowledgementType();
        ack.setReferralIdentification(id(referralId));
        ack.setIntakeNumberIdentification(id(number));
        ack.setReceivingAgencyCode(agency);
        ack.setAcknowledgementDateTime(TexasXml.dateTime(now));
        return TexasXml.write(TexasXml.WIRE.createReferralAcknowledgement(ack));
    }

    private final class Intake extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!path(agency).equals(Request.getPathInContext(request))) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                return true;
            }
            if (!HttpMethod.POST.is(request.getMethod())) {
                Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
                return true;
            }
            keepHeaders(request);
            int status = answerStatus;
            if (status != 0) {
                Response.writeError(request, response, callback, status);
                return true;
            }
            String authorization = expectedAuthorization;
            if (authorization != null && !authorization.equals(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"us-tx-sandbox\"");
                Response.writeError(request, response, callback, HttpStatus.UNAUTHORIZED_401);
                return true;
            }
            long length = request.getLength();
            if (length > MAX_BODY_BYTES) {
                Response.writeError(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413);
                return true;
            }
            String body = Content.Source.asString(request, StandardCharsets.UTF_8);
            String answer;
            try {
                answer = accept(body);
            } catch (IllegalArgumentException e) { // InvalidDocumentException is one
                // the schema message may quote a value: it goes back to the sender only, never to the log
                LOG.info("US-TX sandbox {} rejected an invalid report", agency.value());
                response.setStatus(HttpStatus.BAD_REQUEST_400);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=UTF-8");
                Content.Sink.write(response, true, "invalid ChildTraffickingReport: " + e.getMessage(), callback);
                return true;
            }
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, TexasXml.MEDIA_TYPE + "; charset=UTF-8");
            Content.Sink.write(response, true, answer, callback);
            return true;
        }
    }
}
