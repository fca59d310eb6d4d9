package org.safeharbor.jurisdiction.us.ma;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.model.ChoiceDefinition;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PendingNotice;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.us.ma.wire.DepartmentNotice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Department's notices on their way ({@link DepartmentNotices} decides which are due): each from its own durable
 * queue, numbered and recorded per attempt, retried with the delivery's backoff and dead-lettered on its own, so a
 * failing notice never sends the 51A report again nor changes its status. A timer queues the notices a crash left
 * recorded but never queued. The routes run whether or not any status triggers notices: what was recorded is sent.
 */
final class NoticeDelivery implements AutoCloseable {

    /** Where the notices wait, fail to and are swept from; the broker's in production. */
    record Endpoints(String consumer, String producer, String deadLetters, String sweep) {
        static Endpoints broker(Jurisdiction jurisdiction) {
            String queue = "amqp:queue:" + DeliveryContract.queue(jurisdiction, NOTICES);
            // consumed as the referrals' queue is: transacted, one consumer
            return new Endpoints(queue + "?transacted=true&lazyCreateTransactionManager=false&cacheLevelName=CACHE_CONSUMER", queue,
                    "amqp:queue:" + DeliveryContract.deadLetters(jurisdiction, NOTICES),
                    "timer:safeharbor-" + jurisdiction.code() + "-notice-sweep?delay=15000&period=" + SWEEP_AGE.toMillis());
        }
    }

    /** The purpose of the notices' own queue: {@code referrals.US-MA.notices}. */
    static final String NOTICES = "notices";
    /** Headers of a notice on its queue: the referral and the recipient (the body is the payload). */
    static final String REFERRAL_ID = "SafeHarborNoticeReferralId";
    static final String RECIPIENT = "SafeHarborNoticeRecipient";
    /** A notice recorded this long ago and still not on its queue was left behind by a crash. */
    static final Duration SWEEP_AGE = Duration.ofMinutes(1);
    private static final String NOTICE = "safeharborNotice";
    private static final String ATTEMPT = "safeharborNoticeAttempt";
    private static final Logger LOG = LoggerFactory.getLogger(NoticeDelivery.class);

    private final Jurisdiction jurisdiction;
    private final StatusReporter reporter;
    private final Clock clock;
    private final Endpoints endpoints;
    private volatile ProducerTemplate queue;

    NoticeDelivery(Jurisdiction jurisdiction, StatusReporter reporter, Clock clock, Endpoints endpoints) {
        this.jurisdiction = jurisdiction;
        this.reporter = reporter;
        this.clock = clock;
        this.endpoints = endpoints;
    }

    /**
     * The notices' routes. A recipient without a URL (notices off: allowed) fails a notice recorded earlier, which is
     * retried, then dead-lettered; {@code endpoint} turns a URL into its camel-http endpoint.
     */
    void configure(RouteBuilder routes, Redelivery retry, String districtAttorneyUrl, String lawEnforcementUrl, UnaryOperator<String> endpoint) {
        queue = routes.getContext().createProducerTemplate();
        String code = jurisdiction.code();
        routes.from(endpoints.consumer()).routeId(code + "-notices")
                .errorHandler(routes.deadLetterChannel(endpoints.deadLetters()).useOriginalMessage()
                        .maximumRedeliveries(retry.maximumRedeliveries()).redeliveryDelay(retry.firstDelay().toMillis())
                        .useExponentialBackOff().backOffMultiplier(retry.multiplier()).maximumRedeliveryDelay(retry.maximumDelay().toMillis())
                        .retryAttemptedLogLevel(LoggingLevel.WARN)
                        .logStackTrace(false).logExhaustedMessageHistory(false).logExhaustedMessageBody(false)
                        .onPrepareFailure(exchange -> gaveUp(exchange, retry)))
                .process(this::readNotice)
                .to("direct:" + code + "-notice-attempt");
        ChoiceDefinition recipient = routes.from("direct:" + code + "-notice-attempt").routeId(code + "-notice-attempt")
                .process(this::startAttempt)
                // 0: sent already (a second copy of the message): dropped
                .filter(routes.exchangeProperty(ATTEMPT).isGreaterThan(0))
                    .doTry()
                        .choice()
                            .when(routes.exchangeProperty(RECIPIENT).isEqualTo(DepartmentNotice.DISTRICT_ATTORNEY));
        send(send(recipient, districtAttorneyUrl, endpoint).otherwise(), lawEnforcementUrl, endpoint)
                        .endDoTry()
                    .doCatch(Exception.class)
                        .process(this::attemptFailed)
                    .end()
                    .process(this::recordSent)
                .end();
        routes.from(endpoints.sweep()).routeId(code + "-notice-sweep")
                .process(exchange -> sweep());
    }

    private static ChoiceDefinition send(ChoiceDefinition branch, String url, UnaryOperator<String> endpoint) {
        return url.isBlank() ? branch.throwException(IllegalStateException.class, "no endpoint configured for this notice")
                : branch.to(endpoint.apply(url)).process(exchange -> sent(exchange, url));
    }

    /** Puts a recorded notice on its durable queue (the payload as body, the referral and recipient as headers) and records it. */
    void queue(PendingNotice notice) {
        ProducerTemplate template = queue;
        if (template == null) {
            throw new IllegalStateException(jurisdiction.code() + ": the notice routes are not running");
        }
        template.sendBodyAndHeaders(endpoints.producer(), notice.payload(),
                Map.of(REFERRAL_ID, notice.referralId().value(), RECIPIENT, notice.recipient()));
        reporter.noticeQueued(notice.referralId(), notice.jurisdiction(), notice.recipient());
    }

    private void sweep() {
        List<PendingNotice> left = reporter.unqueuedNotices(jurisdiction, clock.instant().minus(SWEEP_AGE), 100);
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

    /** Numbers and records this attempt, then prepares the request (only the contract's headers go out); each retry passes here. */
    private void startAttempt(Exchange exchange) {
        PendingNotice notice = exchange.getProperty(NOTICE, PendingNotice.class);
        int number = reporter.recordNoticeAttempt(notice.referralId(), jurisdiction, notice.recipient(), notice.payload());
        exchange.setProperty(ATTEMPT, number);
        exchange.setProperty(RECIPIENT, notice.recipient());
        var message = exchange.getMessage();
        message.setHeader(DeliveryContract.STATE_REFERRAL_ID, notice.referralId().value());
        message.setHeader(DeliveryContract.STATE_ATTEMPT, String.valueOf(number));
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, MassachusettsFormat.MEDIA_TYPE);
        message.setBody(notice.payload());
    }

    /** Any answer but a 2xx fails the attempt, whatever it is: a notice is never a refusal of the report. */
    private static void sent(Exchange exchange, String url) throws HttpOperationFailedException {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status < 200 || status > 299) {
            throw new HttpOperationFailedException(url, status, null, null, null, null);
        }
    }

    private void recordSent(Exchange exchange) {
        PendingNotice notice = exchange.getProperty(NOTICE, PendingNotice.class);
        reporter.noticeSent(notice.referralId(), jurisdiction, notice.recipient(), exchange.getProperty(ATTEMPT, Integer.class));
        LOG.info("{}: the Department's notice to {} for referral {} was sent", jurisdiction, notice.recipient(), notice.referralId());
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
                + DeliveryContract.deadLetters(jurisdiction, NOTICES));
    }

    /** A failure as its class (and the recipient's HTTP status): never a message, which may quote a value. */
    private static String failure(Exception caught) {
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
