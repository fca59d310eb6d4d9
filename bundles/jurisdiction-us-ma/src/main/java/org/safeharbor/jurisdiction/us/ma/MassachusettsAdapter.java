package org.safeharbor.jurisdiction.us.ma;

import org.safeharbor.jurisdiction.support.v1.StatusCallers;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.DeserializationFeature;
import org.apache.camel.Exchange;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
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
import org.safeharbor.api.v1.PendingNotice;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.jurisdiction.support.v1.StateAnswer;
import org.safeharbor.jurisdiction.support.v1.StateTransport;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.jurisdiction.support.v1.StateRejectedException;
import org.safeharbor.jurisdiction.us.ma.wire.DepartmentNotice;
import org.safeharbor.jurisdiction.us.ma.wire.IntakeResponse;
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Massachusetts (US-MA): the written G.L. c.119 s.51A report to DCF as JSON over HTTPS, DCF's later
 * statuses at {@value #STATUS_PATH}, the Department's notices to the District Attorney and local law
 * enforcement of s.51B(k) / 110 CMR 4.50 when DCF's status makes them due (per site, off by default), and the
 * 48-hour written-report clock. The JSON shapes are a REFERENCE DESIGN (DCF publishes no intake interface);
 * see this bundle's README.
 *
 * <pre>
 * direct:US-MA-deliver ─POST 51A JSON─▶ reportUrl (HTTPS)
 *     2xx {"intakeNumber":…} ─▶ ACKNOWLEDGED with the number (DELIVERED when no number yet)
 *     400 (invalid report)   ─▶ StateRejectedException: quarantine at once, REJECTED (field paths only)
 *     401/5xx, TLS, no answer ─▶ exception: retried with backoff ({@link #redelivery()}), then DLQ and FAILED
 * servlet:/jurisdictions/us-ma/status ─▶ StatusReceiver ─▶ StatusReporter.report
 *     a status in departmentNoticesOn (e.g. SCREENED_IN; none by default) ─▶ DepartmentNotices:
 *       per recipient (district-attorney, law-enforcement): recordNotice (payload) ─▶ referrals.US-MA.notices
 * referrals.US-MA.notices ─▶ US-MA-notices ─▶ direct:US-MA-notice-attempt
 *     recordNoticeAttempt ─POST notice JSON─▶ districtAttorneyUrl | lawEnforcementUrl ─▶ noticeSent
 *     any failure ─▶ recordNoticeAttemptFailed, retried with backoff, then referrals.US-MA.notices.DLQ, noticeFailed
 *     (the 51A report is never sent again for a notice, and its delivery's status never changes)
 * timer ─▶ US-MA-notice-sweep: notices recorded but never queued (a crash in between) ─▶ referrals.US-MA.notices
 * </pre>
 *
 * A configuration change re-creates the component (DS default), so the core removes its routes and
 * adds the new ones: applied without a restart. The bundle ships no endpoint and no trust store: without
 * {@code reportUrl} (and, when {@code departmentNoticesOn} is set, the two notice endpoints) the component starts,
 * its routes do not. The adapter follows the sandbox peer's service ({@link SandboxPeer},
 * {@code safeharbor.sandbox=US-MA}, bundle {@code safeharbor-jurisdiction-us-ma-sandbox}) and, only while it is
 * there, takes from it what its configuration leaves unset: the peer's endpoints, a trust store file for its
 * certificate and its status token. Endpoints are https in every case; an https endpoint on this machine's
 * loopback interface (a local TLS proxy to the state) with the operator's own trust store is allowed. The status
 * route starts only with a credential: a bearer token or pinned client certificates.
 */
@Component(service = JurisdictionAdapter.class, property = Jurisdiction.SERVICE_PROPERTY + "=" + MassachusettsAdapter.CODE,
        configurationPid = MassachusettsAdapter.PID)
@Designate(ocd = MassachusettsAdapter.Config.class)
public class MassachusettsAdapter implements JurisdictionAdapter, StateTransport {

    public static final String PID = "org.safeharbor.jurisdiction.us.ma";
    public static final String CODE = "US-MA";
    /** The purpose of the Department's notices' own queue (DeliveryContract.queue): {@code referrals.US-MA.notices}. */
    static final String NOTICES = "notices";
    /** Where DCF POSTs later statuses, on the core's HTTP server. */
    public static final String STATUS_PATH = "/jurisdictions/us-ma/status";
    /** Id of the written-report clock. */
    public static final String WRITTEN_REPORT_RULE = "us-ma-written-report";
    /**
     * G.L. c.119 s.51A: the mandated reporter reports orally to DCF immediately, then in writing within 48 hours.
     * The adapter carries the written report (its delivery deadline); the oral report is the hospital's own
     * duty, which no adapter can discharge: told to the hospital when it submits, never watched.
     */
    static final DeadlineRule ORAL_REPORT = DeadlineRule.reporter("us-ma-oral-report",
            "Massachusetts: the mandated reporter's oral report to DCF (by telephone) is due immediately; this adapter"
                    + " carries only the written report, due within 48 hours",
            java.time.Duration.ZERO, "G.L. c.119 s.51A");
    /** Message headers of a notice on its queue: the referral and the recipient (the body is the payload). */
    static final String NOTICE_REFERRAL_ID = "SafeHarborNoticeReferralId";
    static final String NOTICE_RECIPIENT = "SafeHarborNoticeRecipient";
    /** A notice recorded this long ago and still not on its queue was left behind by a crash: the sweep queues it. */
    static final Duration NOTICE_SWEEP_AGE = Duration.ofMinutes(1);
    private static final String NOTICE = "safeharborNotice";
    private static final String NOTICE_ATTEMPT = "safeharborNoticeAttempt";

    static final String INTAKE_NUMBER = "usMaIntakeNumber";
    private static final Jurisdiction JURISDICTION = Jurisdiction.of(CODE);
    private static final Logger LOG = LoggerFactory.getLogger(MassachusettsAdapter.class);
    /** An intake number is an identifier, never free text: anything else from the state is not passed on. */
    private static final java.util.regex.Pattern INTAKE_NUMBER_SHAPE = java.util.regex.Pattern.compile("[A-Za-z0-9-]{1,64}");

    @ObjectClassDefinition(name = "SafeHarbor Bridge: Massachusetts (US-MA) adapter",
            description = "Written 51A report to DCF, and DCF's notices to the District Attorney and local law enforcement when "
                    + "DCF's status makes them due (off by default), JSON over HTTPS (reference design: the production endpoints "
                    + "are not public, and none ships; with the sandbox, its peer's fill what is left empty).")
    public @interface Config {

        @AttributeDefinition(description = "HTTPS URL the written 51A report is POSTed to (DCF intake); required "
                + "(with the sandbox, blank takes its peer's)")
        String reportUrl() default "";

        @AttributeDefinition(required = false, description = "DCF statuses on which this adapter sends the Department's notices "
                + "to the District Attorney and local law enforcement (G.L. c.119 s.51B(k)), comma-separated: SCREENED_IN, "
                + "INVESTIGATION_OPENED. Empty (the default): never. Only where DCF has this adapter carry its notices")
        String departmentNoticesOn() default "";

        @AttributeDefinition(required = false, description = "HTTPS URL the Department's notice to the District Attorney "
                + "(s.51B(k)) is POSTed to; required when departmentNoticesOn is set (with the sandbox, blank takes its peer's)")
        String districtAttorneyUrl() default "";

        @AttributeDefinition(required = false, description = "HTTPS URL the Department's notice to local law enforcement "
                + "(s.51B(k)) is POSTed to; required when departmentNoticesOn is set (with the sandbox, blank takes its peer's)")
        String lawEnforcementUrl() default "";

        @AttributeDefinition(required = false,
                description = "County whose District Attorney that endpoint serves, sent in its notice; empty for none")
        String districtAttorneyCounty() default "";

        @AttributeDefinition(required = false, description = "HTTP Basic user name for every endpoint; empty for none")
        String username() default "";

        @AttributeDefinition(required = false, type = AttributeType.PASSWORD,
                description = "HTTP Basic password (private property '.password': not shown as a service property)")
        String _password() default "";

        @AttributeDefinition(required = false, description = "Trust store file (PKCS12 or JKS) for the state's TLS "
                + "certificate; empty for the JVM's default trust (with the sandbox, a file of its peer's certificate)")
        String trustStore() default "";

        /** Key {@code .trustStorePassword}: private, never a service property. */
        @AttributeDefinition(required = false, type = AttributeType.PASSWORD, description = "Password of the trust store")
        String _trustStorePassword() default "";

        @AttributeDefinition(description = "Time allowed for the written report, ISO-8601 (G.L. c.119 s.51A: 48 hours)")
        String writtenReportDeadline() default "PT48H";

        @AttributeDefinition(description = "Connect and response timeout of each HTTPS call, in seconds")
        int timeoutSeconds() default 30;

        @AttributeDefinition(description = "Retries of a delivery that failed for a passing reason (DCF down, 5xx, "
                + "timeout, TLS, 401) before the referral goes to referrals.US-MA.DLQ; the same for each notice, to "
                + "referrals.US-MA.notices.DLQ")
        int maximumRedeliveries() default 6;

        @AttributeDefinition(description = "Wait before the first retry, ISO-8601")
        String redeliveryDelay() default "PT2S";

        @AttributeDefinition(description = "Backoff factor: each wait is the previous one times this (at least 1.0)")
        double redeliveryMultiplier() default 2.0;

        @AttributeDefinition(description = "Cap on any single wait between retries, ISO-8601")
        String maximumRedeliveryDelay() default "PT5M";

        @AttributeDefinition(required = false, type = AttributeType.PASSWORD,
                description = "Bearer token DCF must present when POSTing statuses to /jurisdictions/us-ma/status "
                        + "(private property '.statusToken')")
        String _statusToken() default "";

        @AttributeDefinition(required = false, description = "SHA-256 fingerprints (hex, comma-separated) of the TLS client "
                + "certificates DCF may present instead of the token (mutual TLS on the core's HTTPS server)")
        String statusClientCertificates() default "";

        @AttributeDefinition(description = "Largest status body taken, in bytes; larger ones are answered 413 unread")
        int statusMaxBodyBytes() default StatusCallers.DEFAULT_MAX_BODY_BYTES;
    }

    private final Config config;
    /** The core's route builder and CamelContext, once it adds this state's routes. */
    private RouteBuilder routes;
    private CamelContext camel;
    private final StatusReporter statusReporter;
    private final Clock clock;
    private final DepartmentNotices notices;
    /** Puts notices on their queue; created with the routes, stopped with the component. */
    private volatile ProducerTemplate noticeQueue;
    private final MassachusettsFormat format = new MassachusettsFormat();
    private final DeadlineRule writtenReport;
    private final Optional<SSLContextParameters> tls;
    private final String tlsBean = "safeharborUsMaTls-" + UUID.randomUUID();
    private final String authorization;
    private final Redelivery redelivery;
    private final StatusCallers statusCallers;
    /** Why this adapter may not deliver (no endpoint), or null. */
    private final String refusal;

    /**
     * In OSGi: in the sandbox while its peer's service is there (a static greedy reference: it re-creates the
     * adapter), which fills what the configuration leaves unset.
     */
    @Activate
    public MassachusettsAdapter(Config config, @Reference StatusReporter statusReporter,
                                @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
                                        target = "(" + SandboxPeer.MARKER + "=" + CODE + ")") SandboxPeer sandbox) {
        this(SandboxPeer.fill(Config.class, config, sandbox), statusReporter, Clock.systemUTC(), false);
    }

    /** Outside OSGi (tests). */
    public MassachusettsAdapter(Config config, StatusReporter statusReporter) {
        this(config, statusReporter, Clock.systemUTC());
    }

    /** Outside OSGi (tests), with the clock of status times. */
    public MassachusettsAdapter(Config config, StatusReporter statusReporter, Clock clock) {
        this(config, statusReporter, clock, true);
    }

    /**
     * {@code failFast}: no endpoint throws here; otherwise (in OSGi) the component starts but its routes do not
     * ({@link #configure()} throws, the core logs it), so that the sandbox arriving later re-creates it through the
     * greedy reference (a component that failed to activate would not be).
     */
    private MassachusettsAdapter(Config config, StatusReporter statusReporter, Clock clock, boolean failFast) {
        this.config = config;
        this.statusReporter = statusReporter;
        this.clock = clock;
        this.writtenReport = DeadlineRule.delivery(WRITTEN_REPORT_RULE,
                "mandated reporter's written report to DCF (after the immediate oral report)",
                duration("writtenReportDeadline", config.writtenReportDeadline(), "PT48H"), "G.L. c.119 s.51A");
        this.redelivery = Redelivery.parse(PID, config.maximumRedeliveries(), config.redeliveryDelay(), config.redeliveryMultiplier(), config.maximumRedeliveryDelay());
        requireHttps("reportUrl", config.reportUrl());
        requireHttps("districtAttorneyUrl", config.districtAttorneyUrl());
        requireHttps("lawEnforcementUrl", config.lawEnforcementUrl());
        this.notices = new DepartmentNotices(JURISDICTION, DepartmentNotices.triggers("departmentNoticesOn", config.departmentNoticesOn()),
                config.districtAttorneyCounty().isBlank() ? null : config.districtAttorneyCounty().trim(), statusReporter,
                this::putOnNoticeQueue);
        this.refusal = missingEndpoint(config, notices.on());
        if (refusal != null) {
            LOG.error(refusal);
            if (failFast) {
                throw new IllegalArgumentException(refusal);
            }
        }
        this.statusCallers = new StatusCallers(config._statusToken(), config.statusClientCertificates());
        if (config.statusMaxBodyBytes() < 1) {
            throw new IllegalArgumentException("statusMaxBodyBytes must be at least 1");
        }
        this.tls = KeyStores.clientParameters(config.trustStore(), config._trustStorePassword());
        this.authorization = config.username().isBlank() ? null : "Basic " + Base64.getEncoder().encodeToString(
                (config.username() + ":" + config._password()).getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ JurisdictionAdapter

    @Override
    public Jurisdiction jurisdiction() {
        return JURISDICTION;
    }

    @Override
    public String displayName() {
        return "Massachusetts DCF (reference JSON/HTTPS 51A intake)";
    }

    @Override
    public StateFormat format() {
        return format;
    }

    @Override
    public List<DeadlineRule> deadlineRules() {
        return List.of(writtenReport, ORAL_REPORT);
    }

    /**
     * The written report (the adapter's delivery deadline) and the oral report (the hospital's own duty) apply
     * only where a report is due: when Massachusetts receives something.
     */
    @Override
    public List<Deadline> deadlinesFor(Referral referral) {
        if (!takes(referral) || MassachusettsFormat.allegationsFor(referral).isEmpty()) {
            return List.of();
        }
        return List.of(writtenReport.startingAt(referral.receivedAt()), ORAL_REPORT.startingAt(referral.receivedAt()));
    }

    // ------------------------------------------------------------------ routes

    /** The retry policy from the configuration. */
    @Override
    public Redelivery redelivery() {
        return redelivery;
    }

    /**
     * The status consumer; a test may serve it elsewhere. The body stays an unread stream (no stream
     * cache), so the receiver authenticates and bounds it before reading; exceptions are never sent back.
     */
    protected String statusEndpoint() {
        return "servlet:" + STATUS_PATH + "?httpMethodRestrict=POST&disableStreamCache=true&muteException=true";
    }

    /** True when the status route runs: only with a credential a caller can be checked against. */
    public boolean statusEndpointEnabled() {
        return statusCallers.configured();
    }

    /** The notices' durable queue: consumed as the referrals' queue is (transacted, one consumer). */
    protected String noticeQueueEndpoint() {
        return "amqp:queue:" + DeliveryContract.queue(JURISDICTION, NOTICES) + "?transacted=true&lazyCreateTransactionManager=false"
                + "&cacheLevelName=CACHE_CONSUMER";
    }

    /** Where notices are put: the same queue, as a producer. */
    protected String noticeQueueProducer() {
        return "amqp:queue:" + DeliveryContract.queue(JURISDICTION, NOTICES);
    }

    /** Where a notice goes after its last retry: {@code referrals.US-MA.notices.DLQ}. */
    protected String noticeDeadLetterEndpoint() {
        return "amqp:queue:" + DeliveryContract.deadLetters(JURISDICTION, NOTICES);
    }

    /** How often notices left unqueued by a crash are looked for (first soon after start). */
    protected String noticeSweepEndpoint() {
        return "timer:safeharbor-" + CODE + "-notice-sweep?delay=15000&period=" + NOTICE_SWEEP_AGE.toMillis();
    }

    /** The report's delivery route, the notices' routes and the status call-back; none while the configuration is refused. */
    @Override
    public void configure(RouteBuilder routes, String deliverEndpoint) throws Exception {
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        this.routes = routes;
        this.camel = routes.getContext();
        configureDelivery(deliverEndpoint);
        noticeQueue = camel.createProducerTemplate();
        configureNotices();
        if (!notices.on()) {
            LOG.info("{}: the Department's s.51B(k) notices are off (departmentNoticesOn is empty): DCF sends its own", CODE);
        }
        if (!statusCallers.configured()) {
            LOG.error("{}: status call-backs are OFF: set .statusToken or statusClientCertificates in {}.cfg "
                    + "(an unauthenticated caller could close referrals); deliveries run", CODE, PID);
            return;
        }
        routes.from(statusEndpoint()).routeId(CODE + "-status")
                .process(new StatusReceiver(JURISDICTION, statusReporter, statusCallers, config.statusMaxBodyBytes(), notices::onStatus));
    }

    /**
     * The notices' routes: each notice from its own queue, numbered and recorded per attempt, retried with the
     * delivery's backoff and dead-lettered on its own, so a failing notice never sends the 51A report again.
     * They run whether or not any status triggers notices: what was recorded is sent.
     */
    private void configureNotices() {
        Redelivery retry = redelivery();
        String attempt = "direct:" + CODE + "-notice-attempt";
        routes.from(noticeQueueEndpoint()).routeId(CODE + "-notices")
                .errorHandler(routes.deadLetterChannel(noticeDeadLetterEndpoint())
                        .useOriginalMessage()
                        .maximumRedeliveries(retry.maximumRedeliveries())
                        .redeliveryDelay(retry.firstDelay().toMillis())
                        .useExponentialBackOff().backOffMultiplier(retry.multiplier())
                        .maximumRedeliveryDelay(retry.maximumDelay().toMillis())
                        .retryAttemptedLogLevel(org.apache.camel.LoggingLevel.WARN)
                        .logStackTrace(false).logExhaustedMessageHistory(false).logExhaustedMessageBody(false)
                        .onPrepareFailure(exchange -> noticeGaveUp(exchange, retry)))
                .process(this::readNotice)
                .to(attempt);
        ChoiceDefinition recipient = routes.from(attempt).routeId(CODE + "-notice-attempt")
                .process(this::startNoticeAttempt)
                // 0: sent already (a second copy of the message): dropped
                .filter(routes.exchangeProperty(NOTICE_ATTEMPT).isGreaterThan(0))
                    .doTry()
                        .choice()
                            .when(routes.exchangeProperty(NOTICE_RECIPIENT).isEqualTo(DepartmentNotice.DISTRICT_ATTORNEY));
        sendNotice(sendNotice(recipient, "districtAttorneyUrl", config.districtAttorneyUrl()).otherwise(),
                "lawEnforcementUrl", config.lawEnforcementUrl())
                        .endDoTry()
                    .doCatch(Exception.class)
                        .process(this::noticeAttemptFailed)
                    .end()
                    .process(exchange -> {
                        PendingNotice notice = exchange.getProperty(NOTICE, PendingNotice.class);
                        statusReporter.noticeSent(notice.referralId(), JURISDICTION, notice.recipient(),
                                exchange.getProperty(NOTICE_ATTEMPT, Integer.class));
                        LOG.info("{}: the Department's notice to {} for referral {} was sent", CODE, notice.recipient(), notice.referralId());
                    })
                .end();
        routes.from(noticeSweepEndpoint()).routeId(CODE + "-notice-sweep")
                .process(exchange -> sweepNotices());
    }

    /** Puts a recorded notice on its durable queue: the payload as body, the referral and recipient as headers. */
    private void putOnNoticeQueue(PendingNotice notice) {
        ProducerTemplate template = noticeQueue;
        if (template == null) {
            throw new IllegalStateException(CODE + ": the notice routes are not running");
        }
        template.sendBodyAndHeaders(noticeQueueProducer(), notice.payload(),
                java.util.Map.of(NOTICE_REFERRAL_ID, notice.referralId().value(), NOTICE_RECIPIENT, notice.recipient()));
    }

    /** Queues the notices a crash left recorded but not queued. */
    void sweepNotices() {
        List<PendingNotice> left = statusReporter.unqueuedNotices(JURISDICTION, clock.instant().minus(NOTICE_SWEEP_AGE), 100);
        if (!left.isEmpty()) {
            LOG.warn("{}: {} notice(s) were recorded but never queued (a restart in between): queued now", CODE, left.size());
        }
        left.forEach(notices::queue);
    }

    /** The notice the queue message carries (headers and body), kept apart from what a failed try leaves behind. */
    private void readNotice(Exchange exchange) {
        var message = exchange.getMessage();
        exchange.setProperty(NOTICE, new PendingNotice(new ReferralId(message.getHeader(NOTICE_REFERRAL_ID, String.class)), JURISDICTION,
                message.getHeader(NOTICE_RECIPIENT, String.class), message.getBody(String.class)));
    }

    /** Numbers and records this attempt, then prepares the request; each retry passes here again. */
    private void startNoticeAttempt(Exchange exchange) {
        PendingNotice notice = exchange.getProperty(NOTICE, PendingNotice.class);
        int number = statusReporter.recordNoticeAttempt(notice.referralId(), JURISDICTION, notice.recipient(), notice.payload());
        exchange.setProperty(NOTICE_ATTEMPT, number);
        exchange.setProperty(NOTICE_RECIPIENT, notice.recipient());
        exchange.getMessage().setHeader(DeliveryContract.STATE_REFERRAL_ID, notice.referralId().value());
        exchange.getMessage().setHeader(DeliveryContract.STATE_ATTEMPT, String.valueOf(number));
        request(exchange, notice.payload());
    }

    /** Records why the attempt failed (classes and an HTTP status only) and hands it on to the retries. */
    private void noticeAttemptFailed(Exchange exchange) throws Exception {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        PendingNotice notice = exchange.getProperty(NOTICE, PendingNotice.class);
        statusReporter.recordNoticeAttemptFailed(notice.referralId(), JURISDICTION, notice.recipient(),
                exchange.getProperty(NOTICE_ATTEMPT, Integer.class), failure(caught));
        throw caught;
    }

    /** After the last retry: the notice is FAILED (on its dead-letter queue); the delivery is not touched. */
    private void noticeGaveUp(Exchange exchange, Redelivery retry) {
        PendingNotice notice = exchange.getProperty(NOTICE, PendingNotice.class);
        if (notice == null) {
            return; // not a notice at all: the dead-letter queue keeps it
        }
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        statusReporter.noticeFailed(notice.referralId(), JURISDICTION, notice.recipient(), "gave up after "
                + (retry.maximumRedeliveries() + 1) + " attempts (" + (cause == null ? "unknown error" : failure(cause))
                + "); on the dead-letter queue " + DeliveryContract.deadLetters(JURISDICTION, NOTICES));
    }

    /** A failure as its class (and the recipient's HTTP status): never a message, which may quote a value. */
    private static String failure(Exception caught) {
        if (caught instanceof HttpOperationFailedException http) {
            return "HTTP " + http.getStatusCode();
        }
        return caught.getClass().getSimpleName() + (caught.getCause() == null ? "" : " (" + caught.getCause().getClass().getSimpleName() + ")");
    }

    private void configureDelivery(String deliveryEndpoint) {
        tls.ifPresent(parameters -> camel.getRegistry().bind(tlsBean, SSLContextParameters.class, parameters));
        routes.from(deliveryEndpoint).routeId(CODE + "-deliver")
                .process(exchange -> request(exchange, exchange.getMessage().getBody(String.class)))
                // DCF's 400 means the report is invalid: a refusal, quarantined at once. Any other 4xx/5xx
                // answer or no answer throws as it is: the receiving route retries, then dead-letters
                .doTry()
                    .to(httpUri(config.reportUrl()))
                .doCatch(HttpOperationFailedException.class)
                    .process(this::refusedOrRethrown)
                .end()
                .process(this::readIntakeAnswer)
                .choice()
                    .when(routes.exchangeProperty(INTAKE_NUMBER).isNotNull())
                        .process(StateAnswer.acknowledged(routes.exchangeProperty(INTAKE_NUMBER)))
                    .otherwise()
                        .process(StateAnswer.delivered())
                .end();
        // s.51B(k) / 110 CMR 4.50: the notices to the District Attorney and law enforcement are DCF's, after its
        // own intake: they follow DCF's status (configureNotices), never this delivery
    }

    /** Clean headers (nothing from the queue leaks into HTTP headers), then the JSON request. */
    private void request(Exchange exchange, String json) {
        var message = exchange.getMessage();
        // keep the error handler's bookkeeping (the retry counter; camel-http never sends Camel* headers)
        // and the referral id and attempt number, which go to DCF as HTTP headers for de-duplication
        message.removeHeaders("*", Exchange.REDELIVERED, Exchange.REDELIVERY_COUNTER, Exchange.REDELIVERY_MAX_COUNTER,
                DeliveryContract.STATE_REFERRAL_ID, DeliveryContract.STATE_ATTEMPT);
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Accept", "application/json");
        if (authorization != null) {
            message.setHeader("Authorization", authorization);
        }
        message.setBody(json);
    }

    /** The camel-http endpoint for a state URL: strict status codes, timeouts, no redirects, our trust store. */
    String httpUri(String url) {
        long millis = Duration.ofSeconds(Math.max(1, config.timeoutSeconds())).toMillis();
        StringBuilder uri = new StringBuilder(url.trim()).append(url.contains("?") ? '&' : '?')
                .append("throwExceptionOnFailure=true&followRedirects=false")
                .append("&connectTimeout=").append(millis)
                .append("&responseTimeout=").append(millis)
                .append("&connectionRequestTimeout=").append(millis);
        tls.ifPresent(parameters -> uri.append("&sslContextParameters=#").append(tlsBean));
        return uri.toString();
    }

    /**
     * DCF's 400 (the report does not validate: sending it again would only be refused again) becomes a
     * refusal whose reason names at most the fields, never their values; any other answer is thrown as it was.
     */
    private void refusedOrRethrown(Exchange exchange) throws HttpOperationFailedException {
        HttpOperationFailedException http = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, HttpOperationFailedException.class);
        if (http.getStatusCode() == 400) {
            throw new StateRejectedException(refusalReason(http.getStatusCode(), http.getResponseBody()), http);
        }
        throw http;
    }

    /**
     * A field as the state's schema messages name it, at the head of a message ("path: problem"): a JSON
     * Pointer such as {@code /allegations/0/certainty} or a JSON path such as {@code $.allegations[0].certainty}.
     */
    private static final java.util.regex.Pattern FIELD_PATH = java.util.regex.Pattern.compile(
            "(?<=^|[\\s;:])(\\$(?:\\.[A-Za-z_][A-Za-z0-9_]{0,63}|\\[[0-9]{1,4}])+|(?:/(?:[A-Za-z_][A-Za-z0-9_]{0,63}|[0-9]{1,4}))+)(?=:)");
    private static final int MAX_FIELDS = 10;

    /**
     * "DCF refused the 51A report: HTTP 400", plus the JSON paths of the fields DCF names. Only paths
     * are taken from the state's answer: its free text may quote a value, and a value may be personal data.
     */
    static String refusalReason(int statusCode, String responseBody) {
        StringBuilder reason = new StringBuilder("DCF refused the 51A report: HTTP ").append(statusCode);
        if (responseBody != null) {
            String error = responseBody;
            try {
                com.fasterxml.jackson.databind.JsonNode node = WireJson.tree(responseBody).get("error");
                if (node != null && node.isTextual()) {
                    error = node.asText();
                }
            } catch (RuntimeException notJson) {
                // the paths are looked for in the raw body
            }
            List<String> fields = FIELD_PATH.matcher(error).results().map(match -> match.group(1))
                    .distinct().limit(MAX_FIELDS).toList();
            if (!fields.isEmpty()) {
                reason.append(" (").append(fields.size() == 1 ? "field " : "fields ").append(String.join(", ", fields)).append(')');
            }
        }
        return reason.toString();
    }

    /** DCF's answer: {"intakeNumber": "..."} (201, or 200 for a report it already had), or no body yet (202). */
    private void readIntakeAnswer(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        exchange.removeProperty(INTAKE_NUMBER);
        if (body == null || body.isBlank()) {
            return;
        }
        try {
            IntakeResponse answer = WireJson.STRICT.readerFor(IntakeResponse.class)
                    // the state may add fields to its answer; only the intake number matters
                    .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(body);
            if (answer.intakeNumber() != null && INTAKE_NUMBER_SHAPE.matcher(answer.intakeNumber()).matches()) {
                exchange.setProperty(INTAKE_NUMBER, answer.intakeNumber());
            } else {
                LOG.warn("{}: DCF accepted referral {} without a usable intake number", CODE,
                        StateAnswer.referral(exchange).id());
            }
        } catch (java.io.IOException e) {
            LOG.warn("{}: DCF accepted referral {}, but its answer is not JSON ({})", CODE,
                    StateAnswer.referral(exchange).id(), e.getClass().getSimpleName());
        }
    }

    @Deactivate
    void deactivate() throws Exception {
        if (camel != null && tls.isPresent()) {
            camel.getRegistry().unbind(tlsBean);
        }
        ProducerTemplate template = noticeQueue;
        if (template != null) {
            template.stop();
        }
    }

    private static Duration duration(String key, String iso, String example) {
        try {
            Duration duration = Duration.parse(iso.trim());
            if (duration.isNegative()) {
                throw new IllegalArgumentException(key + " must not be negative: " + iso);
            }
            return duration;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " is not an ISO-8601 duration such as " + example + ": " + iso, e);
        }
    }

    /**
     * Why the routes may not start: no {@code reportUrl}, or notices on without both notice endpoints; null when
     * they may. Endpoints are not checked by host: an https endpoint on this machine's loopback interface (e.g. a
     * local TLS proxy to DCF) is the operator's design, trusted through the operator's own trust store (a file) or
     * the JVM's default trust.
     */
    private static String missingEndpoint(Config config, boolean noticesOn) {
        String missing = config.reportUrl().isBlank() ? "reportUrl"
                : noticesOn && config.districtAttorneyUrl().isBlank() ? "districtAttorneyUrl"
                : noticesOn && config.lawEnforcementUrl().isBlank() ? "lawEnforcementUrl" : null;
        return missing == null ? null : CODE + ": no " + missing + " configured: set DCF's https endpoints in etc/" + PID
                + ".cfg (or install the safeharbor-sandbox feature, whose peer supplies them); no report goes to Massachusetts";
    }

    /**
     * POSTs the notice to its endpoint; with none configured (only while notices are off, see {@link #missingEndpoint}),
     * a notice recorded earlier fails, is retried, then dead-lettered.
     */
    private ChoiceDefinition sendNotice(ChoiceDefinition branch, String key, String url) {
        return url.isBlank() ? branch.throwException(IllegalStateException.class, CODE + ": no " + key + " configured")
                : branch.to(httpUri(url));
    }

    private static void requireHttps(String key, String url) {
        if (url.isBlank()) {
            return; // required or not: missingEndpoint
        }
        URI uri = URI.create(url.trim());
        // the report holds a child's personal data: never in clear text
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(key + " must be an https:// URL");
        }
    }
}
