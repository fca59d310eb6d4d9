package org.safeharbor.jurisdiction.us.il.sandbox;

import org.safeharbor.jurisdiction.support.v1.PemTrust;
import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.cxf.Bus;
import org.apache.cxf.annotations.SchemaValidation.SchemaValidationType;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.message.Message;
import org.apache.cxf.transport.servlet.CXFNonSpringServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.safeharbor.jurisdiction.support.v1.CxfBus;
import org.safeharbor.jurisdiction.us.il.IllinoisFormat;
import org.safeharbor.jurisdiction.us.il.IntakeXml;
import org.safeharbor.jurisdiction.us.il.wire.IntakeAcknowledgement;
import org.safeharbor.jurisdiction.us.il.wire.IntakeAllegationType;
import org.safeharbor.jurisdiction.us.il.wire.IntakePortType;
import org.safeharbor.jurisdiction.us.il.wire.IntakeReport;
import org.safeharbor.jurisdiction.us.il.wire.InvalidReport;
import org.safeharbor.jurisdiction.us.il.wire.InvalidReportFault;
import org.safeharbor.jurisdiction.us.il.wire.StatusAccepted;
import org.safeharbor.jurisdiction.us.il.wire.StatusCode;
import org.safeharbor.jurisdiction.us.il.wire.StatusNotification;
import org.safeharbor.jurisdiction.us.il.wire.StatusNotificationPortType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the Illinois State Central Register's intake, for tests and the optional sandbox:
 * a real SOAP server (CXF on an embedded Jetty 12, contract-first from the bundle's own WSDL) that
 *
 * <ul>
 *   <li>validates every report against {@code us-il-intake.xsd} (CXF schema validation; an invalid one
 *       gets a SOAP fault) and a business rule the schema cannot say (code 90 goes with a caregiver's
 *       failure to protect, and only with it: the {@code InvalidReport} fault);</li>
 *   <li>records each delivery, in memory and as {@code <directory>/<referralId>.xml};</li>
 *   <li>answers like the state would, with an intake number such as {@code IL-2026-000001}, the same
 *       one for a redelivery of the same referral;</li>
 *   <li>sends later statuses back to the adapter's status service ({@link #sendStatus}), and, if told
 *       to, a fixed sequence of them after each new report ({@link #autoStatuses}).</li>
 * </ul>
 *
 * It listens on plain HTTP (the sandbox's default, which the adapter accepts only in the sandbox), or on
 * HTTPS, TLS 1.2+, with a key store given to {@link #tls} before {@link #start()}: what a test that runs
 * the adapter outside the sandbox needs (it refuses an http:// intake there).
 *
 * Not the real DCFS system: the wire format is the project's reference design.
 */
public final class IllinoisIntakePeer implements AutoCloseable {

    /** Below the server root: the intake is at {@code http(s)://host:port/us-il/intake}. */
    public static final String SERVLET_PATH = "/us-il/*";
    public static final String ADDRESS = "/intake";
    private static final Logger LOG = LoggerFactory.getLogger(IllinoisIntakePeer.class);
    private static final ZoneId ILLINOIS = ZoneId.of("America/Chicago");
    /** The adapter's own format: a code the bundle's ConceptMap does not give for the row is refused. */
    private static final IllinoisFormat FORMAT = new IllinoisFormat();

    /**
     * One report as the peer received it.
     *
     * @param attempt    the adapter's {@code SafeHarbor-Delivery-Attempt} HTTP header; 0 if absent
     * @param redelivery true when this referral id had been received before (the peer de-duplicated
     *                   it: same intake number, no new case)
     */
    public record Delivery(String referralId, String intakeNumber, String xml, IntakeReport report, int attempt, boolean redelivery) {
    }

    /** How the intake answers reports from now on ({@link #answer}): a test makes it refuse or fail on demand. */
    public enum Answer {
        /** Validates, records and acknowledges each report, as the SCR would. */
        AS_THE_STATE,
        /** A SOAP Server fault for every report, recording nothing: the SCR is unavailable for now (retried). */
        SERVER_FAULT,
        /** The {@code InvalidReport} fault (a Client fault) for every report, recording nothing: refused (quarantined). */
        REFUSE
    }

    /** The HTTP headers with which the adapter announces the referral id and the attempt number. */
    public static final String REFERRAL_ID_HEADER = "SafeHarbor-Referral-Id";
    public static final String ATTEMPT_HEADER = "SafeHarbor-Delivery-Attempt";

    private final String host;
    private final int requestedPort;
    private final Path directory;
    private final Clock clock;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Map<String, String> intakeNumbers = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final List<Map<String, String>> requestHeaders = new CopyOnWriteArrayList<>();
    private volatile Answer answer = Answer.AS_THE_STATE;
    private volatile String callbackUrl;
    private volatile String callbackUsername;
    private volatile String callbackPassword;
    private volatile Path callbackCa;
    private volatile List<StatusCode> autoStatuses = List.of();
    private volatile Duration autoStatusDelay = Duration.ZERO;
    private String requiredUsername;
    private String requiredPassword;
    private Path tlsKeyStore;
    private char[] tlsKeyStorePassword;
    private ScheduledExecutorService callbacks;
    private Bus bus;
    private Server jetty;
    private org.apache.cxf.endpoint.Server endpoint;

    /**
     * @param host      interface to bind, e.g. {@code 127.0.0.1}
     * @param port      TCP port; 0 for any free one
     * @param directory where each delivery is written as {@code <referralId>.xml}; null for memory only
     * @param clock     for intake numbers (year) and status times
     */
    public IllinoisIntakePeer(String host, int port, Path directory, Clock clock) {
        this.host = host;
        this.requestedPort = port;
        this.directory = directory;
        this.clock = clock;
    }

    /** Before {@link #start()}: the intake then requires these HTTP Basic credentials, as a state would. */
    public synchronized IllinoisIntakePeer requireCredentials(String username, String password) {
        this.requiredUsername = username;
        this.requiredPassword = password;
        return this;
    }

    /**
     * Before {@link #start()}: listen on HTTPS (TLS 1.2 or 1.3 only) with the key pair and certificate in
     * this PKCS12 key store (its only key entry; the key protected by the same password), instead of plain
     * HTTP. The adapter must then trust that certificate (its {@code trustStore}) and use the host name or
     * address the certificate names.
     */
    public synchronized IllinoisIntakePeer tls(Path pkcs12KeyStore, char[] password) {
        this.tlsKeyStore = pkcs12KeyStore;
        this.tlsKeyStorePassword = password == null ? new char[0] : password.clone();
        return this;
    }

    /** True when {@link #tls} was called: the intake is {@code https://}. */
    public synchronized boolean isTls() {
        return tlsKeyStore != null;
    }

    public synchronized IllinoisIntakePeer start() throws Exception {
        if (jetty != null) {
            return this;
        }
        if (directory != null) {
            Files.createDirectories(directory);
        }
        bus = CxfBus.create();
        callbacks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "us-il-sandbox-status");
            thread.setDaemon(true);
            return thread;
        });
        PlatformClassLoader.call(() -> {
            JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
            factory.setBus(bus);
            factory.setServiceClass(IntakePortType.class);
            factory.setServiceBean(new Intake());
            factory.setWsdlLocation(IntakeXml.wsdl().toExternalForm());
            factory.setServiceName(IntakeXml.INTAKE_SERVICE);
            factory.setEndpointName(IntakeXml.INTAKE_PORT);
            factory.setAddress(ADDRESS);
            // validate requests (and our own answers) against the bundle's schema
            factory.getProperties(true).put(Message.SCHEMA_VALIDATION_ENABLED, SchemaValidationType.BOTH);
            factory.getInInterceptors().add(new RequestHeaders());
            if (requiredUsername != null && !requiredUsername.isBlank()) {
                factory.getInInterceptors().add(new BasicAuthentication(requiredUsername, requiredPassword));
            }
            endpoint = factory.create();

            CXFNonSpringServlet servlet = new CXFNonSpringServlet();
            servlet.setBus(bus);
            jetty = new Server();
            ServerConnector connector = tlsKeyStore == null ? new ServerConnector(jetty) : httpsConnector(jetty);
            connector.setHost(host);
            connector.setPort(requestedPort);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/");
            context.addServlet(new ServletHolder("us-il-intake", servlet), SERVLET_PATH);
            jetty.setHandler(context);
            jetty.start();
            return null;
        });
        LOG.info("US-IL sandbox intake listening at {}", intakeUrl());
        return this;
    }

    /** An HTTPS connector on the configured key store, TLS 1.2+ only. */
    private ServerConnector httpsConnector(Server server) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tlsKeyStore.toAbsolutePath().toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(new String(tlsKeyStorePassword));
        ssl.setKeyManagerPassword(new String(tlsKeyStorePassword));
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.addCustomizer(new SecureRequestCustomizer());
        return new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
    }

    public synchronized void stop() {
        if (jetty == null) {
            return;
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("US-IL sandbox intake did not stop cleanly: {}", e.getClass().getSimpleName());
        }
        callbacks.shutdownNow();
        endpoint.destroy();
        bus.shutdown(true);
        jetty = null;
    }

    @Override
    public void close() {
        stop();
    }

    /** The port actually bound. */
    public synchronized int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** The SOAP address of the intake, for the adapter's {@code intakeUrl}: {@code https://} after {@link #tls}. */
    public String intakeUrl() {
        return (isTls() ? "https://" : "http://") + host + ":" + port() + SERVLET_PATH.replace("/*", "") + ADDRESS;
    }

    /** Every valid report received, in order (a redelivery appears again, with the same intake number). */
    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /**
     * The HTTP headers of every request that reached the intake, in order, whatever it was answered (first value of
     * each); no personal data travels in them, the report is the body.
     */
    public List<Map<String, String>> requestHeaders() {
        return List.copyOf(requestHeaders);
    }

    /** How the intake answers reports from now on. */
    public void answer(Answer how) {
        this.answer = java.util.Objects.requireNonNull(how, "how");
    }

    /** The file a referral's last delivery was recorded in. */
    public Path recordFile(String referralId) {
        return directory == null ? null : directory.resolve(fileName(referralId));
    }

    /** Where later statuses go: the adapter's status service, with its HTTP Basic credentials (blank: none). */
    public void callback(String url, String username, String password) {
        this.callbackUrl = url;
        this.callbackUsername = username;
        this.callbackPassword = password;
    }

    /**
     * Trusts this PEM CA certificate for an https call-back (the CA the adapter generates,
     * {@code etc/safeharbor/tls/ca.crt}), read into an in-memory trust store at each status sent.
     */
    public void callbackTrust(Path caCertificate) {
        this.callbackCa = caCertificate;
    }

    private static javax.net.ssl.TrustManager[] trustManagers(Path pem) {
        try {
            return PemTrust.trustManagers(pem);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Statuses sent in this order, in the background, {@code delay} after each new report (so that they
     * arrive after the adapter has read the acknowledgement); empty for none.
     */
    public void autoStatuses(List<StatusCode> statuses, Duration delay) {
        this.autoStatuses = List.copyOf(statuses);
        this.autoStatusDelay = delay;
    }

    /** Sends a later status of a report the peer has acknowledged to the adapter, as the state would. */
    public StatusAccepted sendStatus(String referralId, StatusCode status) {
        return sendStatus(referralId, status, null);
    }

    /** As {@link #sendStatus(String, StatusCode)}, with the state's reason (no personal data). */
    public StatusAccepted sendStatus(String referralId, StatusCode status, String reason) {
        String intakeNumber = intakeNumbers.get(referralId);
        if (intakeNumber == null) {
            throw new IllegalArgumentException("the sandbox has no report for referral " + referralId);
        }
        String url = callbackUrl;
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("no status call-back URL configured");
        }
        StatusNotification notification = new StatusNotification();
        notification.setReferralId(referralId);
        notification.setIntakeNumber(intakeNumber);
        notification.setStatus(status);
        notification.setAt(IntakeXml.dateTime(clock.instant()));
        notification.setReason(reason);
        StatusNotificationPortType port = platformCall(() -> {
            JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
            factory.setBus(bus);
            factory.setServiceClass(StatusNotificationPortType.class);
            factory.setWsdlLocation(IntakeXml.wsdl().toExternalForm());
            factory.setServiceName(IntakeXml.STATUS_SERVICE);
            factory.setEndpointName(IntakeXml.STATUS_PORT);
            factory.setAddress(url);
            if (callbackUsername != null && !callbackUsername.isBlank()) {
                factory.setUsername(callbackUsername);
                factory.setPassword(callbackPassword);
            }
            return factory.create(StatusNotificationPortType.class);
        });
        Path ca = callbackCa;
        if (ca != null && url.startsWith("https:")) {
            org.apache.cxf.configuration.jsse.TLSClientParameters tls = new org.apache.cxf.configuration.jsse.TLSClientParameters();
            tls.setTrustManagers(trustManagers(ca));
            ((org.apache.cxf.transport.http.HTTPConduit) ClientProxy.getClient(port).getConduit()).setTlsClientParameters(tls);
        }
        try {
            return port.notifyStatus(notification);
        } finally {
            ClientProxy.getClient(port).destroy();
        }
    }

    private String nextIntakeNumber() {
        return String.format("IL-%04d-%06d", clock.instant().atZone(ILLINOIS).getYear(), sequence.incrementAndGet());
    }

    /** The referral id is schema-checked ([A-Za-z0-9._-]); anything else is replaced all the same. */
    private static String fileName(String referralId) {
        return referralId.replaceAll("[^A-Za-z0-9._-]", "_") + ".xml";
    }

    private void record(String referralId, String xml) {
        if (directory == null) {
            return;
        }
        try {
            Path target = directory.resolve(fileName(referralId));
            Path temporary = Files.createTempFile(directory, ".incoming-", ".xml");
            Files.writeString(temporary, xml, StandardCharsets.UTF_8);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void sendAutoStatuses(String referralId) {
        List<StatusCode> statuses = autoStatuses;
        if (statuses.isEmpty() || callbackUrl == null || callbackUrl.isBlank()) {
            return;
        }
        callbacks.schedule(() -> {
            for (StatusCode status : statuses) {
                try {
                    sendStatus(referralId, status);
                } catch (RuntimeException e) {
                    LOG.warn("US-IL sandbox could not send status {} for referral {}: {}", status, referralId,
                            e.getClass().getSimpleName());
                    return;
                }
            }
        }, autoStatusDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> T platformCall(java.util.concurrent.Callable<T> work) {
        try {
            return PlatformClassLoader.call(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Refuses a request without the HTTP Basic credentials the peer requires, as a state would (compared in constant time). */
    private static final class BasicAuthentication extends org.apache.cxf.phase.AbstractPhaseInterceptor<Message> {
        private final byte[] username;
        private final byte[] password;

        BasicAuthentication(String username, String password) {
            super(org.apache.cxf.phase.Phase.RECEIVE);
            this.username = bytes(username);
            this.password = bytes(password);
        }

        @Override
        public void handleMessage(Message message) {
            org.apache.cxf.configuration.security.AuthorizationPolicy policy = message.get(org.apache.cxf.configuration.security.AuthorizationPolicy.class);
            boolean userOk = policy != null && java.security.MessageDigest.isEqual(username, bytes(policy.getUserName()));
            boolean passwordOk = policy != null && java.security.MessageDigest.isEqual(password, bytes(policy.getPassword()));
            if (!(userOk && passwordOk)) {
                org.apache.cxf.interceptor.Fault fault = new org.apache.cxf.interceptor.Fault(new SecurityException("not authorized"));
                fault.setStatusCode(401);
                throw fault;
            }
        }

        private static byte[] bytes(String value) {
            return value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Keeps the HTTP headers of each request as it arrives, before any check. */
    private final class RequestHeaders extends org.apache.cxf.phase.AbstractPhaseInterceptor<Message> {
        RequestHeaders() {
            super(org.apache.cxf.phase.Phase.RECEIVE);
        }

        @Override
        public void handleMessage(Message message) {
            @SuppressWarnings("unchecked")
            Map<String, List<String>> headers = (Map<String, List<String>>) message.get(Message.PROTOCOL_HEADERS);
            Map<String, String> first = new java.util.LinkedHashMap<>();
            if (headers != null) {
                headers.forEach((name, values) -> first.put(name, values == null || values.isEmpty() ? "" : String.join(",", values)));
            }
            requestHeaders.add(first);
        }
    }

    /** The intake service proper. CXF has validated the report against the schema before this runs. */
    private final class Intake implements IntakePortType {
        @Override
        public IntakeAcknowledgement submitReport(IntakeReport report) throws InvalidReportFault {
            switch (answer) {
                case SERVER_FAULT -> throw new org.apache.cxf.interceptor.Fault(new IllegalStateException("the SCR intake is unavailable"));
                case REFUSE -> throw invalid(report.getReferralId(), "refused: the sandbox was told to refuse every report");
                default -> { }
            }
            for (IntakeAllegationType allegation : report.getAllegation()) {
                try {
                    FORMAT.allegation(allegation);
                } catch (IllegalArgumentException e) {
                    throw invalid(report.getReferralId(), "allegation " + allegation.getCode() + " does not agree with caregiver role "
                            + allegation.getCaregiverRole().value() + " (90 is a caregiver's failure to protect, and only that)");
                }
            }
            boolean[] isNew = {false};
            String intakeNumber = intakeNumbers.computeIfAbsent(report.getReferralId(), id -> {
                isNew[0] = true;
                return nextIntakeNumber();
            });
            String xml = IntakeXml.write(report);
            record(report.getReferralId(), xml);
            int attempt = attemptHeader();
            deliveries.add(new Delivery(report.getReferralId(), intakeNumber, xml, report, attempt, !isNew[0]));
            LOG.info("US-IL sandbox took referral {} attempt {} as intake {}{}", report.getReferralId(), attempt, intakeNumber,
                    isNew[0] ? "" : " (redelivery, de-duplicated)");
            if (isNew[0]) {
                sendAutoStatuses(report.getReferralId());
            }
            IntakeAcknowledgement ack = new IntakeAcknowledgement();
            ack.setReferralId(report.getReferralId());
            ack.setIntakeNumber(intakeNumber);
            ack.setReceivedAt(IntakeXml.dateTime(clock.instant()));
            return ack;
        }

        /** The attempt number the adapter sent as an HTTP header, 0 without one. */
        private int attemptHeader() {
            Message message = org.apache.cxf.phase.PhaseInterceptorChain.getCurrentMessage();
            @SuppressWarnings("unchecked")
            Map<String, List<String>> headers = message == null ? null : (Map<String, List<String>>) message.get(Message.PROTOCOL_HEADERS);
            if (headers == null) {
                return 0;
            }
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (ATTEMPT_HEADER.equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
                    try {
                        return Integer.parseInt(header.getValue().get(0).trim());
                    } catch (NumberFormatException e) {
                        return 0;
                    }
                }
            }
            return 0;
        }

        private InvalidReportFault invalid(String referralId, String reason) {
            InvalidReport detail = new InvalidReport();
            detail.setReferralId(referralId);
            detail.setReason(reason);
            return new InvalidReportFault(reason, detail);
        }
    }
}
