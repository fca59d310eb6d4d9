package org.safeharbor.jurisdiction.us.tx;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.support.ExpressionAdapter;
import org.apache.camel.support.builder.Namespaces;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.JurisdictionRoutes;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
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
 */
@Component(service = JurisdictionAdapter.class, property = Jurisdiction.SERVICE_PROPERTY + "=" + TexasAdapter.CODE,
        configurationPid = TexasAdapter.PID)
@Designate(ocd = TexasAdapter.Config.class)
public class TexasAdapter extends JurisdictionRoutes implements JurisdictionAdapter {

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
            HEADER_REFERRAL_ID, HEADER_ATTEMPT};
    private static final String CPS_NUMBER = "usTxCpsIntakeNumber";
    private static final String LAW_ENFORCEMENT_NUMBER = "usTxLawEnforcementNumber";
    private static final Jurisdiction JURISDICTION = Jurisdiction.of(CODE);
    private static final Logger LOG = LoggerFactory.getLogger(TexasAdapter.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge US-TX (Texas)",
            description = "Texas reference intake: NIEM-style XML over HTTPS to CPS intake (caregiver trafficker) or to"
                    + " law enforcement within 24 hours (otherwise), CPS Handbook 2380")
    public @interface Config {
        @AttributeDefinition(name = "CPS intake URL",
                description = "HTTPS URL a report is POSTed to when the alleged trafficker is a person responsible for the child's care")
        String cpsIntakeUrl() default "https://localhost:8743/cps/intake";

        @AttributeDefinition(name = "Law-enforcement notification URL",
                description = "HTTPS URL a report is POSTed to when the alleged trafficker is not (or not known to be) a caregiver")
        String lawEnforcementUrl() default "https://localhost:8744/law-enforcement/notifications";

        @AttributeDefinition(name = "Trust store",
                description = "PKCS12 trust store for the receivers' certificates: a file path, or classpath:<path> inside this bundle;"
                        + " empty uses the JVM's default trust")
        String trustStore() default "";

        @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD)
        String trustStorePassword() default "";

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
                description = "Bearer token required on POST /jurisdictions/us-tx/status; empty accepts any caller"
                        + " (only behind mutual TLS, or on the sandbox)")
        String _statusToken() default "";

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

    @Activate
    public TexasAdapter(Config config, @Reference StatusReporter statusReporter) {
        this(config, statusReporter, Clock.systemUTC());
    }

    /** Outside OSGi (tests): the configuration, the reporter and the clock statuses are stamped with. */
    public TexasAdapter(Config config, StatusReporter statusReporter, Clock clock) {
        super(clock);
        this.config = Objects.requireNonNull(config, "config");
        this.statusReporter = Objects.requireNonNull(statusReporter, "statusReporter");
        requireHttps("cpsIntakeUrl", config.cpsIntakeUrl());
        requireHttps("lawEnforcementUrl", config.lawEnforcementUrl());
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

    @Override
    protected JurisdictionAdapter adapter() {
        return this;
    }

    @Override
    protected StatusReporter statusReporter() {
        return statusReporter;
    }

    /** The configured retry policy (maximumRedeliveries, redeliveryDelay, redeliveryMultiplier, maximumRedeliveryDelay). */
    @Override
    protected Redelivery redelivery() {
        return redelivery;
    }

    /** Where statuses arrive over HTTP: the core's Camel servlet. */
    protected String statusHttpEndpoint() {
        return "servlet:" + STATUS_PATH + "?httpMethodRestrict=POST";
    }

    @Override
    public void configure() throws Exception {
        super.configure();
        from(statusHttpEndpoint()).routeId(CODE + "-status-http")
                .convertBodyTo(String.class)
                .choice()
                    .when(this::authorizedStatusCaller)
                        .to(STATUS_ENDPOINT)
                    .otherwise()
                        .removeHeaders("*")
                        .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(401))
                        .setHeader("WWW-Authenticate", constant("Bearer realm=\"us-tx-status\""))
                        .setHeader(Exchange.CONTENT_TYPE, constant("text/plain; charset=UTF-8"))
                        .setBody(constant("status token required"))
                .end();
        from(STATUS_ENDPOINT).routeId(CODE + "-status")
                .process(this::receiveStatus);
    }

    @Override
    protected void configureDelivery(String deliveryEndpoint) throws Exception {
        installHttpsComponent(getContext());
        Namespaces ns = new Namespaces("ext", TexasXml.EXT);
        String routeCode = "/ext:ChildTraffickingReport/ext:ReportRouteCode = ";
        // Content-based router: the report's own route code says where it goes (TexasRules, §2380).
        from(deliveryEndpoint).routeId(CODE + "-deliver")
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
                    .when(xpath(routeCode + "'" + IntakeRoute.CPS_INVESTIGATION.code() + "'", ns))
                        .to(CPS_ENDPOINT)
                        .process(report(DeliveryStatus.ACKNOWLEDGED, exchangeProperty(CPS_NUMBER),
                                "Texas CPS intake: the alleged trafficker is a person responsible for the child's care (CPS Handbook 2380)"))
                    .when(xpath(routeCode + "'" + IntakeRoute.LAW_ENFORCEMENT_NOTICE.code() + "'", ns))
                        .to(LAW_ENFORCEMENT_ENDPOINT)
                        .process(report(DeliveryStatus.ACKNOWLEDGED, exchangeProperty(LAW_ENFORCEMENT_NUMBER),
                                "Texas law enforcement notified: the alleged trafficker is not a person responsible for the child's care (CPS Handbook 2380)"))
                    .when(xpath(routeCode + "'" + IntakeRoute.LAW_ENFORCEMENT_NOTICE_AND_CPS.code() + "'", ns))
                        // law enforcement first: its clock is the short one
                        .to(LAW_ENFORCEMENT_ENDPOINT)
                        .to(CPS_ENDPOINT)
                        .process(report(DeliveryStatus.ACKNOWLEDGED, bothNumbers(),
                                "Texas law enforcement and CPS intake: caregiver status undetermined or a caregiver failed to protect (CPS Handbook 2380)"))
                    .otherwise()
                        .throwException(new IllegalStateException("US-TX report without a known route code"))
                .end();

        post(CPS_ENDPOINT, CODE + "-cps-intake", config.cpsIntakeUrl(), Agency.CPS_INTAKE, CPS_NUMBER);
        post(LAW_ENFORCEMENT_ENDPOINT, CODE + "-law-enforcement", config.lawEnforcementUrl(), Agency.LAW_ENFORCEMENT,
                LAW_ENFORCEMENT_NUMBER);
    }

    /**
     * One HTTPS POST of the report to one agency; its acknowledgement's number goes into {@code numberProperty}.
     * An HTTP 400 (the agency found the document invalid) is a refusal: a {@link StateRejectedException}, never
     * retried. Any other failure (down, timeout, TLS, 401, 5xx, an invalid acknowledgement) stays retryable.
     */
    private void post(String from, String routeId, String url, Agency agency, String numberProperty) {
        from(from).routeId(routeId)
                .setBody(exchangeProperty(PAYLOAD))
                // nothing of the queue message or of an earlier answer travels as an HTTP header; the
                // redelivery headers stay (Camel counts the retries in them; camel-http never sends Camel*)
                .removeHeaders("*", KEPT_HEADERS)
                .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                .setHeader(Exchange.CONTENT_TYPE, constant(TexasXml.MEDIA_TYPE + "; charset=UTF-8"))
                .doTry()
                    .to(httpUri(url))
                .doCatch(HttpOperationFailedException.class)
                    .onWhen(TexasAdapter::invalidDocumentAnswer)
                    .process(exchange -> refused(exchange, agency))
                .end()
                .process(exchange -> {
                    Acknowledgement ack = TexasMessages.readAcknowledgement(exchange.getMessage().getBody(String.class));
                    String referralId = exchange.getProperty(REFERRAL, Referral.class).id().value();
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
        if (!config.username().isBlank()) {
            endpoint.append("&authMethod=Basic&authenticationPreemptive=true&authUsername=")
                    .append(URLEncoder.encode(config.username(), StandardCharsets.UTF_8))
                    .append("&authPassword=").append(raw(config._password()));
        }
        return endpoint.toString();
    }

    /** A Camel RAW value, so the password is taken as is (RAW{...} when it holds a closing parenthesis). */
    private static String raw(String value) {
        return value.contains(")") ? "RAW{" + value + "}" : "RAW(" + value + ")";
    }

    /** An HTTP component of our own with the configured trust (the JVM's default when none is configured). */
    private void installHttpsComponent(CamelContext context) {
        SSLContextParameters ssl = new SSLContextParameters();
        if (!config.trustStore().isBlank()) {
            KeyStoreParameters trusted = new KeyStoreParameters();
            trusted.setKeyStore(TlsStores.load(config.trustStore(), config.trustStorePassword()));
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

    /** True when no status token is configured, or the caller presents it as a bearer token. */
    private boolean authorizedStatusCaller(Exchange exchange) {
        String token = config._statusToken();
        if (token == null || token.isBlank()) {
            return true;
        }
        String presented = exchange.getMessage().getHeader("Authorization", "", String.class);
        return MessageDigest.isEqual(("Bearer " + token.trim()).getBytes(StandardCharsets.UTF_8),
                presented.trim().getBytes(StandardCharsets.UTF_8));
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
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 400);
            message.setBody("invalid ReferralStatusReport: " + e.getMessage());
            LOG.warn("US-TX status rejected: invalid ReferralStatusReport");
            return;
        }
        statusReporter.report(new StatusUpdate(new ReferralId(status.referralId()), JURISDICTION,
                status.status().deliveryStatus(), status.intakeNumber(), status.at(), reason(status)));
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
