package org.safeharbor.jurisdiction.us.il;

import org.safeharbor.jurisdiction.support.v1.PinnedCertificates;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;

import org.apache.cxf.Bus;
import org.apache.cxf.annotations.SchemaValidation.SchemaValidationType;
import org.apache.cxf.configuration.security.AuthorizationPolicy;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.transport.http.AbstractHTTPDestination;
import org.apache.cxf.transport.servlet.CXFNonSpringServlet;
import org.safeharbor.jurisdiction.us.il.wire.StatusNotificationPortType;

/**
 * The SOAP status-notification service the State Central Register calls back, contract-first from
 * the bundle's WSDL ({@code StatusNotificationService}), with schema validation of every request.
 * It is published on a CXF servlet ({@link CXFNonSpringServlet}) at {@value #ADDRESS} below wherever
 * the servlet is mounted: in Karaf the core's HTTP server mounts it at
 * {@code /jurisdictions/us-il/*}, so the state calls {@code https://host:8443/jurisdictions/us-il/status}.
 *
 * <p>Two interceptors run first, in CXF's receive phase, before the envelope is parsed: the caller must
 * present the configured HTTP Basic credentials or a pinned TLS client certificate ({@link Callers}; 401),
 * then the body is read at most to its bound ({@link BoundedBody}; 413). A request CXF cannot take (not well-formed,
 * not SOAP, not valid against the schema) is answered 400 with a fault that names the schema rule only
 * ({@link RequestFaults}).
 */
public final class StatusNotificationEndpoint implements AutoCloseable {

    /** The service's address below the servlet. */
    public static final String ADDRESS = "/status";

    private final CXFNonSpringServlet servlet;
    private final Server server;

    /** A notification is about a kilobyte: 64 KiB by default bounds what any caller can make us read. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    /**
     * @param bus          the bus the servlet serves (owned by the caller)
     * @param service      the implementation
     * @param callers      who may call; must be {@link Callers#configured() configured}
     * @param maxBodyBytes the largest body read
     */
    public StatusNotificationEndpoint(Bus bus, StatusNotificationPortType service, Callers callers, int maxBodyBytes) {
        if (!callers.configured()) {
            throw new IllegalStateException("the US-IL status service needs credentials or client certificates");
        }
        servlet = new CXFNonSpringServlet();
        servlet.setBus(bus);
        server = IntakeXml.withRuntimeClassLoader(() -> {
            JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
            factory.setBus(bus);
            factory.setServiceClass(StatusNotificationPortType.class);
            factory.setServiceBean(service);
            factory.setWsdlLocation(IntakeXml.wsdl().toExternalForm());
            factory.setServiceName(IntakeXml.STATUS_SERVICE);
            factory.setEndpointName(IntakeXml.STATUS_PORT);
            factory.setAddress(ADDRESS);
            factory.getProperties(true).put(Message.SCHEMA_VALIDATION_ENABLED, SchemaValidationType.IN);
            // CXF's StAX limits (defaults: 100 levels, 128 MiB of text) down to what a notification needs
            factory.getProperties().put("org.apache.cxf.stax.maxElementDepth", 32);
            factory.getProperties().put("org.apache.cxf.stax.maxTextLength", maxBodyBytes);
            factory.getInInterceptors().add(new CallerAuthentication(callers));
            factory.getInInterceptors().add(new BoundedBody(maxBodyBytes));
            factory.getOutFaultInterceptors().add(new RequestFaults());
            // CXF logs a fault with its message and causes, which quote the value refused: one line of ours instead
            factory.getProperties().put(org.apache.cxf.logging.FaultListener.class.getName(), new QuietFaults());
            return factory.create();
        });
    }

    /** The servlet to mount (in Karaf: registered as a service with {@code safeharbor.http.path}). */
    public Servlet servlet() {
        return servlet;
    }

    @Override
    public void close() {
        server.destroy();
    }

    /**
     * Who may send a status: the configured HTTP Basic user and password, or a caller whose TLS client
     * certificate (mutual TLS on the core's server) has one of the configured SHA-256 fingerprints.
     * Compared in constant time.
     */
    public static final class Callers {
        private final byte[] username;
        private final byte[] password;
        private final PinnedCertificates certificates;

        /**
         * @param username     HTTP Basic user, blank for none
         * @param password     its password
         * @param fingerprints SHA-256 fingerprints of accepted client certificates, comma-separated hex, blank for none
         */
        public Callers(String username, String password, String fingerprints) {
            boolean basic = username != null && !username.isBlank();
            this.username = basic ? username.trim().getBytes(StandardCharsets.UTF_8) : null;
            this.password = basic ? (password == null ? "" : password).getBytes(StandardCharsets.UTF_8) : null;
            this.certificates = new PinnedCertificates(fingerprints);
        }

        /** False when nobody could be admitted: the service must not start. */
        public boolean configured() {
            return username != null || !certificates.isEmpty();
        }

        boolean admit(AuthorizationPolicy basic, X509Certificate[] chain) {
            boolean admitted = false;
            if (username != null && basic != null) {
                admitted = MessageDigest.isEqual(username, BasicAuthentication.bytes(basic.getUserName()))
                        & MessageDigest.isEqual(password, BasicAuthentication.bytes(basic.getPassword()));
            }
            admitted |= certificates.admit(chain);
            return admitted;
        }
    }

    private static HttpServletRequest request(Message message) {
        return (HttpServletRequest) message.get(AbstractHTTPDestination.HTTP_REQUEST);
    }

    private static Fault fault(String text, int status) {
        Fault fault = new Fault(new SecurityException(text));
        fault.setStatusCode(status);
        return fault;
    }

    /** 401 unless {@link Callers} admits the caller; runs before the body is touched. */
    static final class CallerAuthentication extends AbstractPhaseInterceptor<Message> {
        private final Callers callers;

        CallerAuthentication(Callers callers) {
            super(Phase.RECEIVE);
            this.callers = callers;
        }

        @Override
        public void handleMessage(Message message) {
            HttpServletRequest request = request(message);
            X509Certificate[] chain = request == null ? null
                    : (X509Certificate[]) request.getAttribute("jakarta.servlet.request.X509Certificate");
            if (!callers.admit(message.get(AuthorizationPolicy.class), chain)) {
                throw fault("not authorized", 401);
            }
        }
    }

    /**
     * 413 for a body over the bound: a declared length over it is refused unread, any other body is read no
     * further than one byte past it. Runs after {@link CallerAuthentication}, before the envelope is parsed.
     */
    static final class BoundedBody extends AbstractPhaseInterceptor<Message> {
        private final int maxBytes;

        BoundedBody(int maxBytes) {
            super(Phase.RECEIVE);
            addAfter(CallerAuthentication.class.getName());
            this.maxBytes = maxBytes;
        }

        @Override
        public void handleMessage(Message message) {
            HttpServletRequest request = request(message);
            InputStream in = message.getContent(InputStream.class);
            if (request != null && request.getContentLengthLong() > maxBytes) {
                throw fault("body too large", 413);
            }
            if (in == null) {
                return;
            }
            try {
                byte[] body = in.readNBytes(maxBytes + 1);
                if (body.length > maxBytes) {
                    throw fault("body too large", 413);
                }
                message.setContent(InputStream.class, new ByteArrayInputStream(body));
            } catch (IOException e) {
                throw fault("unreadable body", 400);
            }
        }
    }

    /**
     * A fault CXF raised itself while reading the request (the envelope, the binding, the schema: every such fault
     * keeps CXF's default status, 500) is the caller's: 400, SOAP 1.1's {@code Client} fault code, and a fault string
     * that names the schema rule (e.g. {@code cvc-enumeration-valid}) but not CXF's message, which quotes the value it
     * refused. The service's own faults (401, 413, 404, 503) carry their status and words and pass unchanged; the
     * service turns every failure of its own into one of them.
     */
    static final class RequestFaults extends AbstractPhaseInterceptor<Message> {
        /** The status CXF gives a fault that did not set one. */
        private static final int CXF_DEFAULT_STATUS = 500;
        private static final java.util.regex.Pattern RULE = java.util.regex.Pattern.compile("\\b(cvc-[A-Za-z0-9.-]+)");

        RequestFaults() {
            super(Phase.PRE_LOGICAL);
        }

        @Override
        public void handleMessage(Message message) {
            if (!(message.getContent(Exception.class) instanceof Fault fault) || fault.getStatusCode() != CXF_DEFAULT_STATUS) {
                return;
            }
            java.util.regex.Matcher rule = RULE.matcher(String.valueOf(fault.getMessage()));
            fault.setMessage("the request is not a valid NotifyStatus message of us-il-intake.wsdl"
                    + (rule.find() ? " (" + rule.group(1) + ")" : ""));
            fault.setFaultCode(new javax.xml.namespace.QName("http://schemas.xmlsoap.org/soap/envelope/", "Client"));
            fault.setStatusCode(400);
            fault.setDetail(null);
            message.put(Message.RESPONSE_CODE, 400);
        }
    }

    /**
     * Logs a fault as one line with its status, the schema rule if any and the exception's type, never its message;
     * CXF's own log line (suppressed: {@code false}) would carry the message and the causes', which quote the request.
     */
    static final class QuietFaults implements org.apache.cxf.logging.FaultListener {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StatusNotificationEndpoint.class);

        @Override
        public boolean faultOccurred(Exception exception, String description, Message message) {
            int status = exception instanceof Fault fault ? fault.getStatusCode() : 500;
            java.util.regex.Matcher rule = RequestFaults.RULE.matcher(String.valueOf(exception.getMessage()));
            LOG.warn("US-IL status call-back refused ({}): {}{}", status == RequestFaults.CXF_DEFAULT_STATUS ? "not a valid request" : status,
                    exception.getCause() == null ? exception.getClass().getSimpleName() : exception.getCause().getClass().getSimpleName(),
                    rule.find() ? " " + rule.group(1) : "");
            return false;
        }
    }

    /** Refuses a request without the configured HTTP Basic credentials (compared in constant time). */
    public static final class BasicAuthentication extends AbstractPhaseInterceptor<Message> {
        private final byte[] username;
        private final byte[] password;

        public BasicAuthentication(String username, String password) {
            super(Phase.RECEIVE);
            this.username = username.getBytes(StandardCharsets.UTF_8);
            this.password = password.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void handleMessage(Message message) {
            AuthorizationPolicy policy = message.get(AuthorizationPolicy.class);
            if (policy == null) {
                policy = new AuthorizationPolicy();
            }
            boolean userOk = MessageDigest.isEqual(username, bytes(policy.getUserName()));
            boolean passwordOk = MessageDigest.isEqual(password, bytes(policy.getPassword()));
            if (!(userOk && passwordOk)) {
                Fault fault = new Fault(new SecurityException("not authorized"));
                fault.setStatusCode(401);
                throw fault;
            }
        }

        static byte[] bytes(String value) {
            return value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
        }
    }
}
