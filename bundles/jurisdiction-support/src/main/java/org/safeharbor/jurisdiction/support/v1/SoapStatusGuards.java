package org.safeharbor.jurisdiction.support.v1;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.namespace.QName;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.cxf.configuration.security.AuthorizationPolicy;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.transport.http.AbstractHTTPDestination;
import org.safeharbor.api.v1.Jurisdiction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a SOAP status service ({@code cxf:} consumer, e.g. Illinois' NotifyStatus) checks before CXF parses the envelope,
 * and how it refuses: the SOAP counterpart of {@link StatusCallback}. In CXF's receive phase: the caller
 * presents the configured HTTP Basic credentials or a TLS client certificate with a pinned SHA-256 fingerprint (mutual
 * TLS on the core's server), compared in constant time, else 401; then the body is read no further than its bound, else
 * 413. A request CXF cannot take (not well-formed, not SOAP, not valid against the schema) is answered 400 with a Client
 * fault naming the schema rule only. Every refusal is logged as one line of ours: CXF's own fault string and log line
 * quote the value refused.
 */
public final class SoapStatusGuards {

    /** The status CXF gives a fault that set none: one it raised itself, reading the request. */
    private static final int CXF_DEFAULT_STATUS = 500;
    private static final Pattern RULE = Pattern.compile("\\b(cvc-[A-Za-z0-9.-]+)");
    private static final Logger LOG = LoggerFactory.getLogger(SoapStatusGuards.class);

    private final Jurisdiction jurisdiction;
    private final String request;
    private final byte[] username;
    private final byte[] password;
    private final PinnedCertificates certificates;
    private final int maxBodyBytes;

    /**
     * @param pid          the configuration's PID, named when a value is refused
     * @param username     HTTP Basic user the caller must present (blank: none)
     * @param fingerprints SHA-256 fingerprints of client certificates a caller may present instead
     * @param request      what a valid request is, for the 400 fault, e.g. {@code NotifyStatus message of us-il-intake.wsdl}
     */
    public SoapStatusGuards(Jurisdiction jurisdiction, String pid, String username, String password, String fingerprints,
                            int maxBodyBytes, String request) {
        this.jurisdiction = jurisdiction;
        this.request = request;
        boolean basic = username != null && !username.isBlank();
        this.username = basic ? bytes(username.trim()) : null;
        this.password = basic ? bytes(password) : null;
        this.certificates = new PinnedCertificates(fingerprints);
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException(pid + ": statusMaxBodyBytes must be at least 1");
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    /** False without a credential to check a caller against: then the service must not run. */
    public boolean configured() {
        return username != null || !certificates.isEmpty();
    }

    /** The checks on the status endpoint; after the receive phase, CXF validates against the schema within tight StAX limits. */
    public void install(CxfEndpoint endpoint) {
        // the state's notification, and our answer, against the schema
        endpoint.setSchemaValidationEnabled(true);
        // CXF's StAX limits (100 levels, 128 MiB of text) down to what a notification needs
        endpoint.setProperties(new HashMap<>(Map.of("org.apache.cxf.stax.maxElementDepth", 32,
                "org.apache.cxf.stax.maxTextLength", maxBodyBytes)));
        endpoint.getInInterceptors().add(new AbstractPhaseInterceptor<Message>(Phase.RECEIVE) {
            @Override
            public void handleMessage(Message message) {
                admit(message);
            }
        });
        endpoint.getOutFaultInterceptors().add(new AbstractPhaseInterceptor<Message>(Phase.PRE_LOGICAL) {
            @Override
            public void handleMessage(Message message) {
                refuse(message);
            }
        });
        endpoint.setSkipFaultLogging(true);
    }

    private void admit(Message message) {
        HttpServletRequest request = (HttpServletRequest) message.get(AbstractHTTPDestination.HTTP_REQUEST);
        AuthorizationPolicy basic = message.get(AuthorizationPolicy.class);
        boolean admitted = username != null && basic != null
                && MessageDigest.isEqual(username, bytes(basic.getUserName())) & MessageDigest.isEqual(password, bytes(basic.getPassword()));
        admitted |= certificates.admit(request == null ? null : (X509Certificate[]) request.getAttribute(StatusCallers.CLIENT_CERTIFICATES));
        if (!admitted) {
            throw fault("not authorized", 401);
        }
        InputStream in = message.getContent(InputStream.class);
        if (in == null) {
            return;
        }
        try {
            byte[] body = StatusCallers.bounded(in, request == null ? -1 : request.getContentLengthLong(), maxBodyBytes);
            if (body == null) {
                throw fault("body too large", 413);
            }
            message.setContent(InputStream.class, new ByteArrayInputStream(body));
        } catch (IOException e) {
            throw fault("unreadable body", 400);
        }
    }

    /** The service's own faults (401, 413, 404, 503) pass as they are; one CXF raised reading the request is the caller's: 400. */
    private void refuse(Message message) {
        Exception exception = message.getContent(Exception.class);
        int status = exception instanceof Fault fault ? fault.getStatusCode() : CXF_DEFAULT_STATUS;
        Matcher rule = RULE.matcher(String.valueOf(exception == null ? null : exception.getMessage()));
        String named = rule.find() ? " (" + rule.group(1) + ")" : "";
        Throwable cause = exception == null || exception.getCause() == null ? exception : exception.getCause();
        LOG.warn("{} status call-back refused ({}): {}{}", jurisdiction, status == CXF_DEFAULT_STATUS ? "not a valid request" : status,
                cause == null ? "unknown" : cause.getClass().getSimpleName(), named);
        if (exception instanceof Fault fault && status == CXF_DEFAULT_STATUS) {
            fault.setMessage("the request is not a valid " + request + named);
            fault.setFaultCode(new QName("http://schemas.xmlsoap.org/soap/envelope/", "Client"));
            fault.setStatusCode(400);
            fault.setDetail(null);
            message.put(Message.RESPONSE_CODE, 400);
        }
    }

    /** A fault answered with this HTTP status and text (the text is the service's own, never the request's). */
    public static Fault fault(String text, int status) {
        Fault fault = new Fault(new SecurityException(text));
        fault.setStatusCode(status);
        return fault;
    }

    private static byte[] bytes(String value) {
        return value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
    }
}
