package org.safeharbor.jurisdiction.us.tx;

import org.safeharbor.jurisdiction.support.v1.StatusCallers;

import java.net.URI;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.NoSuchElementException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.Expression;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.http.common.HttpMessage;
import org.apache.camel.support.ExpressionAdapter;
import org.apache.camel.support.builder.Namespaces;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.StateAnswer;
import org.safeharbor.jurisdiction.support.v1.StateTransport;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.jurisdiction.support.v1.StateRejectedException;
import org.safeharbor.jurisdiction.us.tx.TexasMessages.Acknowledgement;
import org.safeharbor.jurisdiction.us.tx.TexasMessages.StatusReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Texas (US-TX): the NIEM-style reference report, POSTed over HTTPS to the CPS intake when the alleged
 * trafficker is a person responsible for the child's care, and otherwise to the law-enforcement
 * notification endpoint, whose 24-hour clock then runs (CPS Handbook §2380; see {@link TexasRules}).
 *
 * <pre>
 * direct:US-TX-deliver ─▶ choice on ext:ReportRouteCode (content-based router)
 *     ├─ cps-investigation              ─▶ direct:US-TX-cps-intake      ─▶ HTTPS POST, ack ─▶ ACKNOWLEDGED
 *     ├─ law-enforcement-notice         ─▶ direct:US-TX-law-enforcement ─▶ HTTPS POST, ack ─▶ ACKNOWLEDGED
 *     └─ law-enforcement-notice-and-cps ─▶ both, law enforcement first   ─▶ ACKNOWLEDGED with both numbers
 * servlet:/jurisdictions/us-tx/status ─▶ direct:US-TX-status ─▶ StatusReporter (SCREENED_IN, ...)
 * </pre>
 * An HTTP 400 (the agency found the report invalid) is a refusal ({@link StateRejectedException}): the
 * referral goes to referrals.US-TX.quarantine at once and REJECTED is reported. Any other failure (another
 * 4xx/5xx answer, an invalid acknowledgement, an unreachable endpoint, an untrusted certificate) is retried
 * with backoff ({@link #redelivery()}), then the referral goes to referrals.US-TX.DLQ and FAILED is reported;
 * nothing is reported delivered.
 *
 * <p>Status call-backs need a credential: the bearer token {@code .statusToken} or a TLS client certificate
 * pinned in {@code statusClientCertificates}; without one the status endpoint does not start (deliveries do).
 * The caller is checked, and the body bounded ({@code statusMaxBodyBytes}, 413), before the body is read.
 * The bundle ships no endpoint and no trust store: without {@code cpsIntakeUrl} and {@code lawEnforcementUrl} its
 * routes do not start. The adapter follows the sandbox peer's service ({@link SandboxPeer},
 * {@code safeharbor.sandbox=US-TX}, bundle {@code safeharbor-jurisdiction-us-tx-sandbox}) and, only while it is there,
 * takes from it what its configuration leaves unset: the peers' endpoints, a trust store file for their certificate
 * and their status token. Endpoints are https in every case; one on this machine's loopback interface (a local TLS
 * proxy to the agency) with the operator's own trust store is allowed.
 */
@Component(service = JurisdictionAdapter.class, property = Jurisdiction.SERVICE_PROPERTY + "=" + TexasAdapter.CODE,
        configurationPid = TexasAdapter.PID)
@Designate(ocd = TexasAdapter.Config.class)
public class TexasAdapter implements JurisdictionAdapter, StateTransport {

    public static final String CODE = "US-TX";
    public static final String PID = "org.safeharbor.jurisdiction.us.tx";
    /** Where the receiving systems POST later statuses, on the core's HTTP server (Camel servlet). */
    public static final String STATUS_PATH = "/jurisdictions/us-tx/status";
    /** The status route's in-JVM entry, used by the servlet route (and by tests). */
    public static final String STATUS_ENDPOINT = "direct:US-TX-status";

    static final String CPS_ENDPOINT = "direct:US-TX-cps-intake";
    static final String LAW_ENFORCEMENT_ENDPOINT = "direct:US-TX-law-enforcement";
    /** Our own HTTP component: camel-http supports one SSLContextParameters per component, and the core's
     *  CamelContext is shared with other jurisdictions. */
    static final String HTTPS_COMPONENT = "us-tx-https";
    private static final String PAYLOAD = "usTxPayload";
    /**
     * Headers a delivery never removes: the receiving route's error handler counts the attempts in them, and
     * without them it would retry for ever.
     */
    /** The error handler's bookkeeping, and the two headers that let the agency de-duplicate (sent as HTTP headers). */
    private static final String[] KEPT_HEADERS = {Exchange.REDELIVERY_COUNTER, Exchange.REDELIVERED, Exchange.REDELIVERY_MAX_COUNTER,
            DeliveryContract.STATE_REFERRAL_ID, DeliveryContract.STATE_ATTEMPT};
    private static final String CPS_NUMBER = "usTxCpsIntakeNumber";
    private static final String LAW_ENFORCEMENT_NUMBER = "usTxLawEnforcementNumber";
    private static final Jurisdiction JURISDICTION = Jurisdiction.of(CODE);
    private static final Logger LOG = LoggerFactory.getLogger(TexasAdapter.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge US-TX (Texas)",
            description = "Texas reference intake: NIEM-style XML over HTTPS to CPS intake (caregiver trafficker) or to"
                    + " law enforcement within 24 hours (otherwise), CPS Handbook 2380")
    public @interface Config {
        @AttributeDefinition(name = "CPS intake URL",
                description = "HTTPS URL a report is POSTed to when the alleged trafficker is a person responsible for the child's care;"
                        + " required (with the sandbox, blank takes its peer's)")
        String cpsIntakeUrl() default "";

        @AttributeDefinition(name = "Law-enforcement notification URL",
                description = "HTTPS URL a report is POSTed to when the alleged trafficker is not (or not known to be) a caregiver;"
                        + " required (with the sandbox, blank takes its peer's)")
        String lawEnforcementUrl() default "";

        @AttributeDefinition(name = "Trust store",
                description = "PKCS12 trust store file for the receivers' certificates; empty uses the JVM's default trust")
        String trustStore() default "";

        /** Property {@code .trustStorePassword}: private, never a service property. */
        @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD)
        String _trustStorePassword() default "";

        @AttributeDefinition(name = "User name", description = "HTTP Basic user for both endpoints; empty sends none")
        String username() default "";

        /** Property {@code .password}: private, so it is never published as a service property. */
        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD)
        String _password() default "";

        @AttributeDefinition(name = "Law-enforcement clock",
                description = "ISO-8601 duration to notify law enforcement (CPS Handbook 2380: PT24H); shorten only for tests")
        String lawEnforcementClock() default "PT24H";

        @AttributeDefinition(name = "Timeout (seconds)", description = "Connect and response timeout of each POST")
        int timeoutSeconds() default 30;

        /** Property {@code .statusToken}: the bearer token Texas presents when POSTing a status; private. */
        @AttributeDefinition(name = "Status token", type = AttributeType.PASSWORD,
                description = "Bearer token required on POST /jurisdictions/us-tx/status")
        String _statusToken() default "";

        @AttributeDefinition(name = "Status client certificates", description = "SHA-256 fingerprints (hex, comma-separated) of"
                + " TLS client certificates CPS or law enforcement may present instead of the token (mutual TLS)")
        String statusClientCertificates() default "";

        @AttributeDefinition(name = "Largest status body", description = "In bytes; a larger one is answered 413 unread")
        int statusMaxBodyBytes() default StatusCallers.DEFAULT_MAX_BODY_BYTES;

        @AttributeDefinition(name = "Maximum redeliveries",
                description = "Retries of a delivery that failed for a passing reason (agency down, timeout, 5xx, 401) before the"
                        + " referral goes to the dead-letter queue referrals.US-TX.DLQ and FAILED is reported; an HTTP 400 (invalid"
                        + " document) is never retried: the referral goes to referrals.US-TX.quarantine and REJECTED is reported")
        int maximumRedeliveries() default 6;

        @AttributeDefinition(name = "Redelivery delay", description = "ISO-8601 duration before the first retry")
        String redeliveryDelay() default "PT2S";

        @AttributeDefinition(name = "Redelivery multiplier", description = "Backoff factor applied to the delay after each retry (>= 1)")
        double redeliveryMultiplier() default 2.0;

        @AttributeDefinition(name = "Maximum redelivery delay", description = "ISO-8601 duration capping any single wait between retries")
        String maximumRedeliveryDelay() default "PT5M";
    }

    private final Config config;
    private final StatusReporter statusReporter;
    private final DeadlineRule lawEnforcementRule;
    private final TexasNiemFormat format;
    private final Redelivery redelivery;
    private final StatusCallers statusCallers;
    /** Why this adapter may not deliver (no endpoints), or null. */
    private final String refusal;
    private final String authorization;

    /**
     * In OSGi: in the sandbox while its peer's service is there (a static greedy reference: it re-creates the
     * adapter), which fills what the configuration leaves unset.
     */
    @Activate
    public TexasAdapter(Config config, @Reference StatusReporter statusReporter,
                        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
                                target = "(" + SandboxPeer.MARKER + "=" + CODE + ")") SandboxPeer sandbox) {
        this(SandboxPeer.fill(Config.class, config, sandbox), statusReporter, Clock.systemUTC(), false);
    }

    /** Outside OSGi (tests against the sandbox peers). */
    public TexasAdapter(Config config, StatusReporter statusReporter) {
        this(config, statusReporter, Clock.systemUTC());
    }

    /** Outside OSGi (tests against the sandbox peers), with the clock statuses are stamped with. */
    public TexasAdapter(Config config, StatusReporter statusReporter, Clock clock) {
        this(config, statusReporter, clock, true);
    }

    /**
     * {@code failFast}: no endpoints throws here; otherwise (in OSGi) the component starts but its routes do not
     * ({@link #configure()} throws, the core logs it), so that the sandbox arriving later re-creates it through the
     * greedy reference (a component that failed to activate would not be).
     */
    private TexasAdapter(Config config, StatusReporter statusReporter, Clock clock, boolean failFast) {
        this.config = Objects.requireNonNull(config, "config");
        this.statusReporter = Objects.requireNonNull(statusReporter, "statusReporter");
        this.refusal = config.cpsIntakeUrl().isBlank() || config.lawEnforcementUrl().isBlank()
                ? CODE + ": no cpsIntakeUrl or lawEnforcementUrl configured: set the agencies' https endpoints in etc/" + PID
                        + ".cfg (or install the safeharbor-sandbox feature, whose peers supply them); no report goes to Texas"
                : null;
        if (refusal != null) {
            LOG.error(refusal);
            if (failFast) {
                throw new IllegalArgumentException(refusal);
            }
        } else {
            requireHttps("cpsIntakeUrl", config.cpsIntakeUrl());
            requireHttps("lawEnforcementUrl", config.lawEnforcementUrl());
        }
        this.statusCallers = new StatusCallers(config._statusToken(), config.statusClientCertificates());
        if (config.statusMaxBodyBytes() < 1) {
            throw new IllegalArgumentException("statusMaxBodyBytes must be at least 1");
        }
        // sent as a header, never in an endpoint URI that Camel may log
        this.authorization = config.username().isBlank() ? null : "Basic " + Base64.getEncoder().encodeToString(
                (config.username() + ":" + config._password()).getBytes(StandardCharsets.UTF_8));
        this.lawEnforcementRule = TexasRules.lawEnforcementClock(duration(config.lawEnforcementClock()));
        this.format = new TexasNiemFormat(lawEnforcementRule.length());
        this.redelivery = Redelivery.parse(PID, config.maximumRedeliveries(), config.redeliveryDelay(), config.redeliveryMultiplier(), config.maximumRedeliveryDelay());
    }

    // ------------------------------------------------------------------ JurisdictionAdapter

    @Override
    public Jurisdiction jurisdiction() {
        return JURISDICTION;
    }

    @Override
    public String displayName() {
        return "Texas DFPS CPS intake / law enforcement (reference NIEM XML over HTTPS)";
    }

    @Override
    public StateFormat format() {
        return format;
    }

    @Override
    public List<DeadlineRule> deadlineRules() {
        return List.of(lawEnforcementRule);
    }

    /** The law-enforcement clock runs only for a report that goes to law enforcement. */
    @Override
    public List<Deadline> deadlinesFor(Referral referral) {
        return TexasRules.route(referral.allegations()).filter(IntakeRoute::toLawEnforcement)
                .map(route -> List.of(lawEnforcementRule.startingAt(referral.receivedAt())))
                .orElse(List.of());
    }

    // ------------------------------------------------------------------ routes

    /** The configured retry policy (maximumRedeliveries, redeliveryDelay, redeliveryMultiplier, maximumRedeliveryDelay). */
    @Override
    public Redelivery redelivery() {
        return redelivery;
    }

    /**
     * Where statuses arrive over HTTP: the core's Camel servlet. The body stays an unread stream (no stream
     * cache) until the caller is authenticated and the body bounded; exceptions are never sent back.
     */
    protected String statusHttpEndpoint() {
        return "servlet:" + STATUS_PATH + "?httpMethodRestrict=POST&disableStreamCache=true&muteException=true";
    }

    /** True when the HTTP status route runs: only with a credential a caller can be checked against. */
    public boolean statusEndpointEnabled() {
        return statusCallers.configured();
    }

    /** The delivery routes below and the status call-back; none while the configuration is refused (the core logs why). */
    @Override
    public void configure(RouteBuilder routes, String deliverEndpoint) throws Exception {
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        configureDelivery(routes, deliverEndpoint);
        if (statusCallers.configured()) {
            routes.from(statusHttpEndpoint()).routeId(CODE + "-status-http")
                    .process(this::admitStatus)
                    .filter(routes.header(Exchange.HTTP_RESPONSE_CODE).isNull())
                        .to(STATUS_ENDPOINT)
                    .end();
        } else {
            LOG.error("{}: status call-backs are OFF: set .statusToken or statusClientCertificates in {}.cfg "
                    + "(an unauthenticated caller could close referrals); deliveries run", CODE, PID);
        }
        routes.from(STATUS_ENDPOINT).routeId(CODE + "-status")
                .process(this::receiveStatus);
    }

    private void configureDelivery(RouteBuilder routes, String deliveryEndpoint) {
        installHttpsComponent(routes.getContext());
        Namespaces ns = new Namespaces("ext", TexasXml.EXT);
        String routeCode = "/ext:ChildTraffickingReport/ext:ReportRouteCode = ";
        // Content-based router: the report's own route code says where it goes (TexasRules, §2380).
        routes.from(deliveryEndpoint).routeId(CODE + "-deliver")
                // a redelivery comes back here with whatever the failed attempt left as body: start again
                // from the report itself
                .process(exchange -> {
                    Object payload = exchange.getProperty(PAYLOAD);
                    if (payload == null) {
                        exchange.setProperty(PAYLOAD, exchange.getMessage().getBody(String.class));
                    } else {
                        exchange.getMessage().setBody(payload);
                    }
                })
                .choice()
                    .when(routes.xpath(routeCode + "'" + IntakeRoute.CPS_INVESTIGATION.code() + "'", ns))
                        .to(CPS_ENDPOINT)
                        .process(StateAnswer.acknowledged(routes.exchangeProperty(CPS_NUMBER),
                                "Texas CPS intake: the alleged trafficker is a person responsible for the child's care (CPS Handbook 2380)"))
                    .when(routes.xpath(routeCode + "'" + IntakeRoute.LAW_ENFORCEMENT_NOTICE.code() + "'", ns))
                        .to(LAW_ENFORCEMENT_ENDPOINT)
                        .process(StateAnswer.acknowledged(routes.exchangeProperty(LAW_ENFORCEMENT_NUMBER),
                                "Texas law enforcement notified: the alleged trafficker is not a person responsible for the child's care (CPS Handbook 2380)"))
                    .when(routes.xpath(routeCode + "'" + IntakeRoute.LAW_ENFORCEMENT_NOTICE_AND_CPS.code() + "'", ns))
                        // law enforcement first: its clock is the short one
                        .to(LAW_ENFORCEMENT_ENDPOINT)
                        .to(CPS_ENDPOINT)
                        .process(StateAnswer.acknowledged(bothNumbers(),
                                "Texas law enforcement and CPS intake: caregiver status undetermined or a caregiver failed to protect (CPS Handbook 2380)"))
                    .otherwise()
                        .throwException(new IllegalStateException("US-TX report without a known route code"))
                .end();

        post(routes, CPS_ENDPOINT, CODE + "-cps-intake", config.cpsIntakeUrl(), Agency.CPS_INTAKE, CPS_NUMBER);
        post(routes, LAW_ENFORCEMENT_ENDPOINT, CODE + "-law-enforcement", config.lawEnforcementUrl(), Agency.LAW_ENFORCEMENT,
                LAW_ENFORCEMENT_NUMBER);
    }

    /**
     * One HTTPS POST of the report to one agency; its acknowledgement's number goes into {@code numberProperty}.
     * An HTTP 400 (the agency found the document invalid) is a refusal: a {@link StateRejectedException}, never
     * retried. Any other failure (down, timeout, TLS, 401, 5xx, an invalid acknowledgement) stays retryable.
     */
    private void post(RouteBuilder routes, String from, String routeId, String url, Agency agency, String numberProperty) {
        routes.from(from).routeId(routeId)
                .setBody(routes.exchangeProperty(PAYLOAD))
                // nothing of the queue message or of an earlier answer travels as an HTTP header; the
                // redelivery headers stay (Camel counts the retries in them; camel-http never sends Camel*)
                .removeHeaders("*", KEPT_HEADERS)
                .setHeader(Exchange.HTTP_METHOD, routes.constant("POST"))
                .setHeader(Exchange.CONTENT_TYPE, routes.constant(TexasXml.MEDIA_TYPE + "; charset=UTF-8"))
                // pre-emptive HTTP Basic as a header: credentials never go into an endpoint URI
                .process(exchange -> {
                    if (authorization != null) {
                        exchange.getMessage().setHeader("Authorization", authorization);
                    }
                })
                .doTry()
                    .to(httpUri(url))
                .doCatch(HttpOperationFailedException.class)
                    .onWhen(TexasAdapter::invalidDocumentAnswer)
                    .process(exchange -> refused(exchange, agency))
                .end()
                .process(exchange -> {
                    Acknowledgement ack = TexasMessages.readAcknowledgement(exchange.getMessage().getBody(String.class));
                    String referralId = StateAnswer.referral(exchange).id().value();
                    if (!ack.referralId().equals(referralId) || ack.agency() != agency) {
                        throw new IllegalStateException("the " + agency.displayName() + " acknowledged another referral or agency");
                    }
                    exchange.setProperty(numberProperty, ack.intakeNumber());
                    exchange.getMessage().removeHeaders("*", KEPT_HEADERS);
                });
    }

    /** True when the caught HTTP failure is a 400: the agency refused the document as invalid. */
    private static boolean invalidDocumentAnswer(Exchange exchange) {
        // doCatch asks before it moves the exception to EXCEPTION_CAUGHT (which may still hold an earlier attempt's)
        Exception failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        return failure instanceof HttpOperationFailedException http && http.getStatusCode() == 400;
    }

    /**
     * Throws the refusal. Its reason names the agency and the status only: the agency's answer is not quoted,
     * as a schema message may quote a value of the report (personal data).
     */
    private static void refused(Exchange exchange, Agency agency) {
        HttpOperationFailedException failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, HttpOperationFailedException.class);
        throw new StateRejectedException("the " + agency.displayName() + " answered HTTP 400: the report is not a valid"
                + " US-TX document", failure);
    }

    private Expression bothNumbers() {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return exchange.getProperty(LAW_ENFORCEMENT_NUMBER, String.class) + ", "
                        + exchange.getProperty(CPS_NUMBER, String.class);
            }
        };
    }

    private String httpUri(String url) {
        URI uri = URI.create(url.trim());
        StringBuilder endpoint = new StringBuilder(HTTPS_COMPONENT).append("://").append(uri.getRawAuthority())
                .append(uri.getRawPath() == null ? "" : uri.getRawPath());
        endpoint.append(uri.getRawQuery() == null ? "?" : "?" + uri.getRawQuery() + "&");
        endpoint.append("throwExceptionOnFailure=true");
        return endpoint.toString();
    }

    /** An HTTP component of our own with the configured trust (the JVM's default when none is configured). */
    private void installHttpsComponent(CamelContext context) {
        SSLContextParameters ssl = new SSLContextParameters();
        if (!config.trustStore().isBlank()) {
            KeyStoreParameters trusted = new KeyStoreParameters();
            trusted.setKeyStore(TlsStores.load(config.trustStore(), config._trustStorePassword()));
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setKeyStore(trusted);
            ssl.setTrustManagers(trust);
        }
        HttpComponent https = new HttpComponent();
        https.setSslContextParameters(ssl);
        long timeout = Duration.ofSeconds(config.timeoutSeconds()).toMillis();
        https.setConnectTimeout(timeout);
        https.setResponseTimeout(timeout);
        https.setConnectionRequestTimeout(timeout);
        // A re-created component (new configuration) replaces the previous one's component.
        if (context.hasComponent(HTTPS_COMPONENT) != null) {
            context.removeComponent(HTTPS_COMPONENT);
        }
        context.addComponent(HTTPS_COMPONENT, https);
    }

    // ------------------------------------------------------------------ status back

    /**
     * The door of the HTTP status route: 401 unless the caller presents the token or a pinned client
     * certificate, then 413 for a body over the bound; both before a byte of the body is read. Sets the
     * answer's status code when it refuses; otherwise leaves the bounded body as a String.
     */
    private void admitStatus(Exchange exchange) {
        Message message = exchange.getMessage();
        var request = exchange.getIn() instanceof HttpMessage http ? http.getRequest() : null;
        X509Certificate[] chain = request == null ? null : (X509Certificate[]) request.getAttribute(StatusCallers.CLIENT_CERTIFICATES);
        if (!statusCallers.admit(message.getHeader("Authorization", String.class), chain)) {
            LOG.warn("US-TX status call-back refused: no valid credentials");
            refuse(message, 401, "status token required");
            message.setHeader("WWW-Authenticate", "Bearer realm=\"us-tx-status\"");
            return;
        }
        Object raw = message.getBody();
        byte[] body;
        try {
            body = raw instanceof InputStream in
                    ? StatusCallers.bounded(in, request == null ? -1 : request.getContentLengthLong(), config.statusMaxBodyBytes())
                    : message.getBody(byte[].class);
        } catch (IOException unreadable) {
            refuse(message, 400, "unreadable body");
            return;
        }
        if (body == null || body.length > config.statusMaxBodyBytes()) {
            LOG.warn("US-TX status call-back refused: body over {} bytes", config.statusMaxBodyBytes());
            refuse(message, 413, "body too large for a status");
            return;
        }
        message.setBody(new String(body, StandardCharsets.UTF_8));
    }

    private static void refuse(Message message, int code, String text) {
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, code);
        message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=UTF-8");
        message.setBody(text);
    }

    /** A later status from CPS or law enforcement: 202 and reported, or 400 for an invalid document. */
    private void receiveStatus(Exchange exchange) {
        Message message = exchange.getMessage();
        String body = message.getBody(String.class);
        // only our own response headers go back to the caller
        message.removeHeaders("*");
        message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=UTF-8");
        StatusReport status;
        try {
            status = TexasMessages.readStatusReport(body);
        } catch (InvalidDocumentException | IllegalArgumentException e) {
            // the schema's words stay here: the answer names the document and the schema, never the rule or a value
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 400);
            message.setBody("invalid ReferralStatusReport: not a valid document of the US-TX schema (iepd/us-tx)");
            LOG.warn("US-TX status rejected: invalid ReferralStatusReport ({})", e.getMessage());
            return;
        }
        try {
            statusReporter.report(new StatusUpdate(new ReferralId(status.referralId()), JURISDICTION,
                    status.status().deliveryStatus(), status.intakeNumber(), status.at(), reason(status)));
        } catch (NoSuchElementException notOurs) {
            // unknown, or never delivered to Texas: the same answer, naming nothing
            LOG.warn("US-TX status {} refused for referral {}: not delivered to US-TX", status.status().code(), status.referralId());
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            message.setBody("no such referral delivered to US-TX");
            return;
        } catch (RuntimeException e) {
            LOG.warn("US-TX status {} for referral {} not recorded: {}", status.status().code(), status.referralId(),
                    e.getClass().getSimpleName());
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
            message.setBody("status not recorded; send it again later");
            return;
        }
        LOG.info("US-TX status {} from {} for referral {}", status.status().code(), status.agency().code(), status.referralId());
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        message.setBody("accepted");
    }

    private static String reason(StatusReport status) {
        String text = status.agency().displayName() + ": " + status.status().code();
        if (status.reason() != null && !status.reason().isBlank()) {
            String stated = status.reason().strip();
            text += " (" + (stated.length() > 200 ? stated.substring(0, 200) + "..." : stated) + ")";
        }
        return text;
    }

    // ------------------------------------------------------------------ configuration

    private static void requireHttps(String key, String url) {
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " is not a URL: " + url, e);
        }
        if (!"https".equals(uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT)) || uri.getHost() == null) {
            throw new IllegalArgumentException(key + " must be an https:// URL (the report holds personal data): " + url);
        }
    }

    private static Duration duration(String iso) {
        try {
            Duration d = Duration.parse(iso.trim());
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("lawEnforcementClock must be positive: " + iso);
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("lawEnforcementClock is not an ISO-8601 duration: " + iso, e);
        }
    }
}
