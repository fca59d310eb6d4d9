package org.safeharbor.jurisdiction.support.v1;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PendingNotice;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of a state's notices ({@link PendingNotice}: a disclosure the state's law requires besides the report, e.g.
 * Massachusetts DCF's to the District Attorney), the same for every state, as the core's pipeline is for reports: each
 * notice from its own durable queue ({@code referrals.US-XX.notices}), numbered and recorded per attempt (a copy already
 * sent is dropped), retried with the state's {@link Redelivery} and dead-lettered on its own, so a failing notice never
 * touches the report's delivery; a timer queues what a crash left recorded but not queued. The state decides which
 * notices are due and their payload (recorded with {@link StatusReporter#recordNotice}, then {@link #queue}d) and
 * supplies the route that carries one attempt ({@link #sendEndpoint}):
 * <pre>
 * NoticeRoutes notices = new NoticeRoutes(JURISDICTION, reporter, Clock.systemUTC(), NoticeRoutes.Queues.onTheBroker(JURISDICTION));
 * // in StateTransport.configure(routes, deliverEndpoint):
 * notices.configure(routes, redelivery());
 * routes.from(NoticeRoutes.sendEndpoint(JURISDICTION)).choice()   // body: the payload; header RECIPIENT; the contract's two headers
 *         .when(routes.header(NoticeRoutes.RECIPIENT).isEqualTo("district-attorney")).to(https.endpoint(daUrl)) ...
 * </pre>
 * An HTTP answer other than 2xx fails the attempt (HTTP_RESPONSE_CODE after the state's route), as does any exception:
 * a notice is never "refused", it is retried. Failures are recorded as a class and an HTTP status, never a message.
 *
 * <p>Since 2.5 a second user of a jurisdiction's notices in the same CamelContext (e.g. the coordination notices to a
 * multidisciplinary team) takes its own path with {@link #forPurpose}: its own queue
 * ({@code referrals.US-XX.<purpose>}), dead letters, sweep, route ids ({@code US-XX-<purpose>-notices}, ...) and send
 * endpoint ({@link #sendEndpoint(Jurisdiction, String)}). Its recipients are {@code <purpose>--<name>} (the double
 * hyphen no state's own recipient has): each sweep queues only its own notices, so a state's sweep never hands a
 * purpose's notice to the state's recipients, nor the other way round.
 */
public final class NoticeRoutes implements AutoCloseable {

    /** Where the notices wait, fail to and are swept from; the broker's in production, in-memory ones in tests. */
    public record Queues(String consumer, String producer, String deadLetters, String sweep) {

        /** {@code referrals.US-XX.notices} and its DLQ on the broker (AMQP), consumed as a referrals' queue is; the sweep a timer. */
        public static Queues onTheBroker(Jurisdiction jurisdiction) {
            return onTheBroker(jurisdiction, PURPOSE);
        }

        /** {@code referrals.US-XX.<purpose>} and its DLQ on the broker, with the purpose's own sweep timer (2.5). */
        public static Queues onTheBroker(Jurisdiction jurisdiction, String purpose) {
            String queue = "amqp:queue:" + DeliveryContract.queue(jurisdiction, purpose);
            return new Queues(queue + "?transacted=true&lazyCreateTransactionManager=false&cacheLevelName=CACHE_CONSUMER", queue,
                    "amqp:queue:" + DeliveryContract.deadLetters(jurisdiction, purpose),
                    "timer:safeharbor-" + prefix(jurisdiction, purpose) + "notice-sweep?delay=15000&period=" + SWEEP_AGE.toMillis());
        }
    }

    /** The purpose of the notices' own queue: {@code referrals.US-XX.notices}. */
    public static final String PURPOSE = "notices";
    /** Headers of a notice on its queue and in the state's send route: the referral and the recipient (the body is the payload). */
    public static final String REFERRAL_ID = "SafeHarborNoticeReferralId";
    public static final String RECIPIENT = "SafeHarborNoticeRecipient";
    /** A notice recorded this long ago and still not on its queue was left behind by a crash. */
    public static final Duration SWEEP_AGE = Duration.ofMinutes(1);
    /** Between a purpose and a recipient's name: {@code coordination--ma-seen} (2.5). */
    public static final String PURPOSE_SEPARATOR = "--";
    private static final String NOTICE = "safeharborNotice";
    private static final String ATTEMPT = "safeharborNoticeAttempt";
    private static final Logger LOG = LoggerFactory.getLogger(NoticeRoutes.class);

    private final Jurisdiction jurisdiction;
    private final StatusReporter reporter;
    private final Clock clock;
    private final Queues queues;
    private final String purpose;
    private volatile ProducerTemplate queue;

    /** {@code clock}: the sweep's "now". */
    public NoticeRoutes(Jurisdiction jurisdiction, StatusReporter reporter, Clock clock, Queues queues) {
        this(jurisdiction, PURPOSE, reporter, clock, queues);
    }

    private NoticeRoutes(Jurisdiction jurisdiction, String purpose, StatusReporter reporter, Clock clock, Queues queues) {
        this.jurisdiction = Objects.requireNonNull(jurisdiction, "jurisdiction");
        this.purpose = purpose;
        this.reporter = Objects.requireNonNull(reporter, "reporter");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.queues = Objects.requireNonNull(queues, "queues");
    }

    /**
     * A jurisdiction's notices of one purpose besides the state's own (2.5), e.g. {@code coordination}: their own queue,
     * dead letters, sweep, route ids and {@link #sendEndpoint(Jurisdiction, String) send endpoint}; recipients
     * {@link #recipient(String, String) purpose--name}.
     */
    public static NoticeRoutes forPurpose(Jurisdiction jurisdiction, String purpose, StatusReporter reporter, Clock clock, Queues queues) {
        DeliveryContract.queue(jurisdiction, purpose); // the same rule as a queue's purpose
        if (PURPOSE.equals(purpose) || purpose.contains(PURPOSE_SEPARATOR)) {
            throw new IllegalArgumentException("a notice purpose is a code other than '" + PURPOSE + "', without '--': " + purpose);
        }
        return new NoticeRoutes(jurisdiction, purpose, reporter, clock, queues);
    }

    /** A purpose's recipient code, {@code <purpose>--<name>}, checked as every recipient is (2.5). */
    public static String recipient(String purpose, String name) {
        return PendingNotice.requireRecipient(purpose + PURPOSE_SEPARATOR + name);
    }

    /** The state's route that carries one attempt of a notice: {@code direct:US-XX-notice-send}. */
    public static String sendEndpoint(Jurisdiction jurisdiction) {
        return "direct:" + jurisdiction.code() + "-notice-send";
    }

    /** The route that carries one attempt of a purpose's notice: {@code direct:US-XX-<purpose>-notice-send} (2.5). */
    public static String sendEndpoint(Jurisdiction jurisdiction, String purpose) {
        return "direct:" + prefix(jurisdiction, purpose) + "notice-send";
    }

    /** {@code US-XX-} for the state's own notices, {@code US-XX-<purpose>-} for a purpose's. */
    private static String prefix(Jurisdiction jurisdiction, String purpose) {
        return jurisdiction.code() + "-" + (PURPOSE.equals(purpose) ? "" : purpose + "-");
    }

    /** Whether a recipient's notices travel this path: a purpose's own recipients, or the state's (no purpose). */
    private boolean mine(String recipient) {
        return PURPOSE.equals(purpose) ? !recipient.contains(PURPOSE_SEPARATOR) : recipient.startsWith(purpose + PURPOSE_SEPARATOR);
    }

    /** Adds the notices' queue, attempt and sweep routes; the state adds its route from {@link #sendEndpoint}. */
    public void configure(RouteBuilder routes, Redelivery retry) {
        queue = routes.getContext().createProducerTemplate();
        String code = prefix(jurisdiction, purpose);
        routes.from(queues.consumer()).routeId(code + "notices")
                .errorHandler(routes.deadLetterChannel(queues.deadLetters()).useOriginalMessage()
                        .maximumRedeliveries(retry.maximumRedeliveries()).redeliveryDelay(retry.firstDelay().toMillis())
                        .useExponentialBackOff().backOffMultiplier(retry.multiplier()).maximumRedeliveryDelay(retry.maximumDelay().toMillis())
                        .retryAttemptedLogLevel(LoggingLevel.WARN)
                        .logStackTrace(false).logExhaustedMessageHistory(false).logExhaustedMessageBody(false)
                        .onPrepareFailure(exchange -> gaveUp(exchange, retry)))
                .process(this::readNotice)
                .to("direct:" + code + "notice-attempt");
        routes.from("direct:" + code + "notice-attempt").routeId(code + "notice-attempt")
                .process(this::startAttempt)
                // 0: sent already (a second copy of the message): dropped
                .filter(routes.exchangeProperty(ATTEMPT).isGreaterThan(0))
                    .doTry()
                        .to(sendEndpoint(jurisdiction, purpose))
                        .process(NoticeRoutes::answered)
                    .doCatch(Exception.class)
                        .process(this::attemptFailed)
                    .end()
                    .process(this::recordSent)
                .end();
        routes.from(queues.sweep()).routeId(code + "notice-sweep")
                // one node sweeps (several nodes would queue a stale notice once each)
                .routeGroup(DeliveryContract.SINGLETON_ROUTES)
                .process(exchange -> sweep());
    }

    /**
     * A notice the state's status makes due: recorded with its payload ({@link StatusReporter#recordNotice}: once per
     * recipient, and only while the delivery stands at that status), then queued. False when it was not recorded now.
     */
    public boolean due(StatusUpdate update, String recipient, String payload) {
        requireMine(recipient);
        if (!reporter.recordNotice(update.referralId(), jurisdiction, recipient, update.status(), payload)) {
            return false;
        }
        LOG.info("{}: referral {} {}: the notice to {} is due", jurisdiction, update.referralId(), update.status(), recipient);
        queue(new PendingNotice(update.referralId(), jurisdiction, recipient, payload));
        return true;
    }

    /** Puts a recorded notice on its durable queue (the payload as body, the referral and recipient as headers) and records it. */
    public void queue(PendingNotice notice) {
        requireMine(notice.recipient());
        ProducerTemplate template = queue;
        if (template == null) {
            throw new IllegalStateException(jurisdiction.code() + ": the notice routes are not running");
        }
        // an Artemis message group per notice: its copies (the sweep's after a crash) reach one consumer at a time on
        // any node, so the second finds the first sent instead of both sending
        template.sendBodyAndHeaders(queues.producer(), notice.payload(), Map.of(REFERRAL_ID, notice.referralId().value(),
                RECIPIENT, notice.recipient(), DeliveryContract.MESSAGE_GROUP, notice.referralId().value() + "/" + notice.recipient()));
        reporter.noticeQueued(notice.referralId(), notice.jurisdiction(), notice.recipient());
    }

    private void requireMine(String recipient) {
        if (!mine(PendingNotice.requireRecipient(recipient))) {
            throw new IllegalArgumentException("recipient " + recipient + " is not one of the " + purpose + " path's ("
                    + (PURPOSE.equals(purpose) ? "no '--'" : purpose + PURPOSE_SEPARATOR + "<name>") + ")");
        }
    }

    private void sweep() {
        List<PendingNotice> left = reporter.unqueuedNotices(jurisdiction, clock.instant().minus(SWEEP_AGE), 100).stream()
                .filter(notice -> mine(notice.recipient())).toList();
        if (!left.isEmpty()) {
            LOG.warn("{}: {} notice(s) were recorded but never queued (a restart in between): queued now", jurisdiction, left.size());
        }
        left.forEach(this::queue);
    }

    /** The notice the queue message carries, kept apart from what a failed try leaves behind. */
    private void readNotice(Exchange exchange) {
        var message = exchange.getMessage();
        exchange.setProperty(NOTICE, new PendingNotice(new ReferralId(message.getHeader(REFERRAL_ID, String.class)), jurisdiction,
                message.getHeader(RECIPIENT, String.class), message.getBody(String.class)));
    }

    /** Numbers and records this attempt, then prepares the state's message (the contract's headers); each retry passes here. */
    private void startAttempt(Exchange exchange) {
        PendingNotice notice = exchange.getProperty(NOTICE, PendingNotice.class);
        int number = reporter.recordNoticeAttempt(notice.referralId(), jurisdiction, notice.recipient(), notice.payload());
        exchange.setProperty(ATTEMPT, number);
        var message = exchange.getMessage();
        // not all headers: the retries' counter is one (CamelRedeliveryCounter)
        message.removeHeader(Exchange.HTTP_RESPONSE_CODE);
        message.setHeader(RECIPIENT, notice.recipient());
        message.setHeader(DeliveryContract.STATE_REFERRAL_ID, notice.referralId().value());
        message.setHeader(DeliveryContract.STATE_ATTEMPT, String.valueOf(number));
        message.setBody(notice.payload());
    }

    /** Any HTTP answer but a 2xx fails the attempt, whatever it is: a notice is never a refusal of the report. */
    private static void answered(Exchange exchange) throws HttpOperationFailedException {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null && (status < 200 || status > 299)) {
            throw new HttpOperationFailedException(String.valueOf(exchange.getProperty(Exchange.TO_ENDPOINT)), status, null, null, null, null);
        }
    }

    private void recordSent(Exchange exchange) {
        PendingNotice notice = exchange.getProperty(NOTICE, PendingNotice.class);
        reporter.noticeSent(notice.referralId(), jurisdiction, notice.recipient(), exchange.getProperty(ATTEMPT, Integer.class));
        LOG.info("{}: the notice to {} for referral {} was sent", jurisdiction, notice.recipient(), notice.referralId());
    }

    /** Records why the attempt failed (a class and an HTTP status only) and hands it on to the retries. */
    private void attemptFailed(Exchange exchange) throws Exception {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        PendingNotice notice = exchange.getProperty(NOTICE, PendingNotice.class);
        reporter.recordNoticeAttemptFailed(notice.referralId(), jurisdiction, notice.recipient(), exchange.getProperty(ATTEMPT, Integer.class),
                failure(caught));
        throw caught;
    }

    /** After the last retry: the notice is FAILED (on its dead-letter queue); the delivery is not touched. */
    private void gaveUp(Exchange exchange, Redelivery retry) {
        PendingNotice notice = exchange.getProperty(NOTICE, PendingNotice.class);
        if (notice == null) {
            return; // not a notice at all: the dead-letter queue keeps it
        }
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        reporter.noticeFailed(notice.referralId(), jurisdiction, notice.recipient(), "gave up after " + (retry.maximumRedeliveries() + 1)
                + " attempts (" + (cause == null ? "unknown error" : failure(cause)) + "); on the dead-letter queue "
                + DeliveryContract.deadLetters(jurisdiction, purpose));
    }

    /** A failure as its class (and the recipient's HTTP status): never a message, which may quote a value. */
    static String failure(Exception caught) {
        if (caught instanceof HttpOperationFailedException http) {
            return "HTTP " + http.getStatusCode();
        }
        return caught.getClass().getSimpleName() + (caught.getCause() == null ? "" : " (" + caught.getCause().getClass().getSimpleName() + ")");
    }

    @Override
    public void close() throws Exception {
        ProducerTemplate template = queue;
        if (template != null) {
            template.stop();
        }
    }
}
