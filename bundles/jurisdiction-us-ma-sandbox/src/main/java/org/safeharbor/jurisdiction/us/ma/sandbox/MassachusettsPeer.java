package org.safeharbor.jurisdiction.us.ma.sandbox;

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
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Year;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.HttpHeader;
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
import org.safeharbor.jurisdiction.us.ma.MassachusettsFormat;
import org.safeharbor.jurisdiction.us.ma.wire.DepartmentNotice;
import org.safeharbor.jurisdiction.us.ma.wire.ErrorResponse;
import org.safeharbor.jurisdiction.us.ma.wire.IntakeResponse;
import org.safeharbor.jurisdiction.us.ma.wire.StatusMessage;
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;
import org.safeharbor.jurisdiction.us.ma.wire.WireSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for Massachusetts DCF's 51A intake and for the District Attorney's and local law enforcement's
 * notice endpoints: a real HTTPS server (Jetty 12) for tests and the optional sandbox. It speaks the Massachusetts bundle's
 * REFERENCE DESIGN:
 * <ul>
 *   <li>{@code POST} {@value #REPORT_PATH}: a written 51A report. Validated against
 *       {@code us-ma-51a-report.schema.json} and read with the bundle's strict format; invalid ->
 *       {@code 400 {"error":...}}. Valid -> recorded and answered {@code 201 {"intakeNumber":"MA-2026-000001"}};
 *       the same referral id again -> {@code 200} with the same number (DCF de-duplicates redeliveries).</li>
 *   <li>{@code POST} {@value #DA_PATH} and {@value #LAW_ENFORCEMENT_PATH}: the Department's notice (s.51B(k)) to
 *       the District Attorney and to local law enforcement, validated against
 *       {@code us-ma-department-notice.schema.json} (its {@code recipient} must be the endpoint's), recorded,
 *       answered {@code 202}.</li>
 *   <li>{@code POST} {@code /seen/fhir/Communication}: a coordination notice to the SEEN coordinator (issue 15), a FHIR
 *       R4 Communication checked by {@link SeenCoordinator} (no Patient data unless allowed), recorded, answered
 *       {@code 201}.</li>
 *   <li>{@code POST} {@value #SEND_STATUS_PATH} (sandbox convenience) with
 *       {@code {"referralId":..., "status":"screened-in", "reason":...}}: sends that status to the
 *       adapter, as {@link #sendStatus} does, and answers with the adapter's HTTP status code.</li>
 * </ul>
 * Each accepted delivery is kept in memory and written to {@code <directory>/<referralId>.json}
 * (the notices to {@code <referralId>.da.json} and {@code <referralId>.le.json}, the SEEN coordinator's to
 * {@code <referralId>.seen.json}).
 */
public final class MassachusettsPeer implements AutoCloseable {

    public static final String REPORT_PATH = "/dcf/51a/reports";
    public static final String DA_PATH = "/da/notifications";
    public static final String LAW_ENFORCEMENT_PATH = "/law-enforcement/notifications";
    public static final String SEND_STATUS_PATH = "/sandbox/status";
    /** Larger bodies are refused (413): a report is a few kilobytes. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(MassachusettsPeer.class);
    /** Referral ids become file names: only these characters, and no leading dot. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

    /** One accepted delivery, as received. */
    public record Received(String referralId, String intakeNumber, String json) {
    }

    private final Path directory;
    private final MassachusettsFormat format = new MassachusettsFormat();
    private final List<Received> reports = new CopyOnWriteArrayList<>();
    private final List<Received> notifications = new CopyOnWriteArrayList<>();
    private final List<Received> policeNotifications = new CopyOnWriteArrayList<>();
    private final List<Received> coordinationNotices = new CopyOnWriteArrayList<>();
    private final SeenCoordinator seen = new SeenCoordinator();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    private final Map<String, String> intakeNumbers = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private HttpClient statusClient;
    private Path statusCa;

    private String host = "127.0.0.1";
    private int port;
    private KeyStore keyStore;
    private String keyStorePassword = MassachusettsSandbox.PASSWORD;
    private URI statusUrl;
    private String statusToken;
    private byte[] expectedAuthorization;
    private Clock clock = Clock.systemUTC();
    private Server server;

    /** A peer recording under {@code directory}; port 0 (a free one), the sandbox key store. */
    public MassachusettsPeer(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Interface to listen on (default 127.0.0.1). */
    public MassachusettsPeer host(String value) {
        host = value;
        return this;
    }

    /** Port to listen on; 0 (the default) picks a free one, see {@link #port()}. */
    public MassachusettsPeer port(int value) {
        port = value;
        return this;
    }

    /** The server's key store, a file or {@code classpath:<path>} (default: the sandbox-only {@value MassachusettsSandbox#KEY_STORE}). */
    public MassachusettsPeer keyStore(String location, String password) {
        return keyStore(MassachusettsSandbox.keyStore(location, password), password);
    }

    /** The server's key store, loaded. */
    public MassachusettsPeer keyStore(KeyStore store, String password) {
        keyStore = store;
        keyStorePassword = password;
        return this;
    }

    /** The adapter's status URL, e.g. {@code https://localhost:8443/jurisdictions/us-ma/status}, and its bearer token (may be blank). */
    public MassachusettsPeer statusUrl(URI url, String token) {
        statusUrl = url;
        statusToken = token == null || token.isBlank() ? null : token.trim();
        return this;
    }

    /**
     * Trusts this PEM CA certificate (the one the adapter generates, {@code etc/safeharbor/tls/ca.crt}) for an
     * https status URL, in an in-memory trust store. Read at the first status sent: the adapter writes it at its
     * first start, which may come after the sandbox's.
     */
    public MassachusettsPeer statusTrust(Path caCertificate) {
        statusCa = caCertificate;
        return this;
    }

    private synchronized HttpClient statusClient() throws IOException {
        if (statusClient == null) {
            statusClient = PemTrust.callbackClient(statusCa);
        }
        return statusClient;
    }

    /** Requires HTTP Basic credentials on every request (401 otherwise). */
    public MassachusettsPeer basicAuth(String username, String password) {
        expectedAuthorization = ("Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** The clock of intake-number years and status times. */
    public MassachusettsPeer clock(Clock value) {
        clock = value;
        return this;
    }

    /** Starts the HTTPS server. */
    public synchronized MassachusettsPeer start() throws Exception {
        Files.createDirectories(directory);
        try (var existing = Files.list(directory)) {
            // keep numbering on across restarts of the sandbox
            sequence.set((int) existing.filter(p -> p.toString().endsWith(".json") && !p.toString().endsWith(".da.json")
                    && !p.toString().endsWith(".le.json") && !p.toString().endsWith(SeenCoordinator.SUFFIX)).count());
        }
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keyStore != null ? keyStore : MassachusettsSandbox.keyStore(MassachusettsSandbox.KEY_STORE, MassachusettsSandbox.PASSWORD));
        tls.setKeyStorePassword(keyStorePassword);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.addCustomizer(new SecureRequestCustomizer());
        server = new Server();
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new PeerHandler());
        server.start();
        LOG.info("US-MA sandbox peer listening on https://{}:{} (records in {})", host, port(), directory);
        return this;
    }

    /** The port actually bound. */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** {@code https://localhost:<port>}: the name the sandbox certificate carries. */
    public String baseUrl() {
        return "https://localhost:" + port();
    }

    public String reportUrl() {
        return baseUrl() + REPORT_PATH;
    }

    public String districtAttorneyUrl() {
        return baseUrl() + DA_PATH;
    }

    public String lawEnforcementUrl() {
        return baseUrl() + LAW_ENFORCEMENT_PATH;
    }

    /** The SEEN coordinator's FHIR base, where the adapter's coordination team {@code ma-seen} sends its notices. */
    public String coordinationUrl() {
        return baseUrl() + SeenCoordinator.BASE;
    }

    /** Coordination notices the SEEN coordinator accepted, in order of arrival (json: the Communication). */
    public List<Received> coordinationNotices() {
        return List.copyOf(coordinationNotices);
    }

    /** Whether the SEEN coordinator accepts a notice carrying Patient data (default: no, as the shipped team sends none). */
    public MassachusettsPeer acceptPatientData(boolean value) {
        seen.acceptPatientData(value);
        return this;
    }

    /** Accepted 51A reports, in order of arrival (a redelivery appears again). */
    public List<Received> reports() {
        return List.copyOf(reports);
    }

    /** Accepted notices to the District Attorney, in order of arrival. */
    public List<Received> districtAttorneyNotifications() {
        return List.copyOf(notifications);
    }

    /** Accepted notices to local law enforcement, in order of arrival. */
    public List<Received> lawEnforcementNotifications() {
        return List.copyOf(policeNotifications);
    }

    /** Why each refused request was refused. */
    public List<String> rejections() {
        return List.copyOf(rejections);
    }

    /** Where deliveries are recorded. */
    public Path directory() {
        return directory;
    }

    /**
     * Sends a later status of a report to the adapter, as DCF would: {@code received},
     * {@code screened-in}, {@code screened-out}, {@code investigation-opened} or {@code rejected}.
     *
     * @return the adapter's HTTP status code (202 when recorded)
     */
    public int sendStatus(String referralId, String status, String reason) throws IOException, InterruptedException {
        if (statusUrl == null) {
            throw new IllegalStateException("no status URL configured");
        }
        String json = WireJson.write(new StatusMessage(referralId, intakeNumbers.get(referralId), status, clock.instant(), reason));
        HttpRequest.Builder request = HttpRequest.newBuilder(statusUrl).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (statusToken != null) {
            request.header("Authorization", "Bearer " + statusToken);
        }
        return statusClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Override
    public synchronized void close() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    // ------------------------------------------------------------------ the state's side

    /** What a request gets back. */
    private record Answer(int status, String json) {
    }

    private final class PeerHandler extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Answer answer;
            try {
                answer = answer(request);
            } catch (IOException | RuntimeException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.warn("US-MA sandbox peer failed on a request: {}", e.getClass().getSimpleName());
                answer = new Answer(500, WireJson.write(new ErrorResponse("internal error")));
            }
            response.setStatus(answer.status());
            if (answer.json() == null) {
                callback.succeeded();
                return true;
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, answer.json(), callback);
            return true;
        }

        private Answer answer(Request request) throws IOException, InterruptedException {
            String path = Request.getPathInContext(request);
            if (!List.of(REPORT_PATH, DA_PATH, LAW_ENFORCEMENT_PATH, SEND_STATUS_PATH, SeenCoordinator.PATH).contains(path)) {
                return error(404, "no such resource");
            }
            if (!"POST".equals(request.getMethod())) {
                return error(405, "POST only");
            }
            if (expectedAuthorization != null) {
                String given = request.getHeaders().get(HttpHeader.AUTHORIZATION);
                if (given == null || !MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8))) {
                    return reject(401, "unauthorized");
                }
            }
            if (request.getLength() > MAX_BODY_BYTES) {
                return reject(413, "body too large");
            }
            String body = Content.Source.asString(request, StandardCharsets.UTF_8);
            if (body.length() > MAX_BODY_BYTES) {
                return reject(413, "body too large");
            }
            return switch (path) {
                case REPORT_PATH -> report(body);
                case DA_PATH -> notice(body, DepartmentNotice.DISTRICT_ATTORNEY, ".da.json", notifications);
                case LAW_ENFORCEMENT_PATH -> notice(body, DepartmentNotice.LAW_ENFORCEMENT, ".le.json", policeNotifications);
                case SeenCoordinator.PATH -> coordination(body);
                default -> sendStatusOnRequest(body);
            };
        }

        /** A written 51A report: schema, then the bundle's strict reader, then record and number it. */
        private Answer report(String body) throws IOException {
            List<String> problems = WireSchema.REPORT_51A.validate(body);
            if (!problems.isEmpty()) {
                return reject(400, "invalid 51A report: " + String.join("; ", problems));
            }
            String referralId;
            try {
                referralId = format.read(body).id().value();
            } catch (IllegalArgumentException e) {
                return reject(400, "invalid 51A report: " + e.getMessage());
            }
            if (!SAFE_ID.matcher(referralId).matches()) {
                return reject(400, "invalid 51A report: referralId");
            }
            boolean known = intakeNumbers.containsKey(referralId);
            String number = intakeNumbers.computeIfAbsent(referralId,
                    id -> "MA-" + Year.now(clock) + "-" + String.format("%06d", sequence.incrementAndGet()));
            Files.writeString(directory.resolve(referralId + ".json"), body, StandardCharsets.UTF_8);
            reports.add(new Received(referralId, number, body));
            LOG.info("US-MA sandbox peer: 51A report for referral {} recorded as {}", referralId, number);
            return new Answer(known ? 200 : 201, WireJson.write(new IntakeResponse(number)));
        }

        /** The Department's notice to one recipient: schema, strict DTO and the endpoint's recipient, then record it. */
        private Answer notice(String body, String recipient, String suffix, List<Received> received) throws IOException {
            List<String> problems = WireSchema.DEPARTMENT_NOTICE.validate(body);
            if (!problems.isEmpty()) {
                return reject(400, "invalid notice: " + String.join("; ", problems));
            }
            DepartmentNotice notice;
            try {
                notice = WireJson.read(body, DepartmentNotice.class);
            } catch (IllegalArgumentException e) {
                return reject(400, "invalid notice: " + e.getMessage());
            }
            if (!SAFE_ID.matcher(notice.referralId()).matches()) {
                return reject(400, "invalid notice: referralId");
            }
            if (!recipient.equals(notice.recipient())) {
                return reject(400, "invalid notice: recipient is not " + recipient);
            }
            Files.writeString(directory.resolve(notice.referralId() + suffix), body, StandardCharsets.UTF_8);
            received.add(new Received(notice.referralId(), notice.intakeNumber(), body));
            LOG.info("US-MA sandbox peer: the Department's notice to {} for referral {} recorded", recipient, notice.referralId());
            return new Answer(202, null);
        }

        /** A coordination notice to the SEEN coordinator: read and checked, then recorded. */
        private Answer coordination(String body) throws IOException {
            SeenCoordinator.Notice notice;
            try {
                notice = seen.read(body);
            } catch (IllegalArgumentException e) {
                return reject(400, "invalid coordination notice: " + e.getMessage());
            }
            Files.writeString(directory.resolve(notice.referralId() + SeenCoordinator.SUFFIX), body, StandardCharsets.UTF_8);
            coordinationNotices.add(new Received(notice.referralId(), notice.intakeNumber(), body));
            LOG.info("US-MA sandbox peer: the SEEN coordinator's notice for referral {} recorded", notice.referralId());
            return new Answer(201, null);
        }

        /** Sandbox convenience: {"referralId":..., "status":..., "reason":...} -> {@link #sendStatus}. */
        private Answer sendStatusOnRequest(String body) throws IOException, InterruptedException {
            Map<?, ?> order;
            try {
                order = WireJson.STRICT.readValue(body, Map.class);
            } catch (IOException e) {
                return reject(400, "malformed JSON");
            }
            if (!(order.get("referralId") instanceof String id) || !(order.get("status") instanceof String status)) {
                return reject(400, "referralId and status are required");
            }
            Object reason = order.get("reason");
            int code = sendStatus(id, status, reason instanceof String text ? text : null);
            return new Answer(200, "{\"adapterStatus\":" + code + "}");
        }

        private Answer reject(int status, String reason) {
            rejections.add(reason);
            LOG.info("US-MA sandbox peer refused a request ({}): {}", status, reason);
            return error(status, reason);
        }

        private Answer error(int status, String reason) {
            return new Answer(status, WireJson.write(new ErrorResponse(reason)));
        }
    }
}
