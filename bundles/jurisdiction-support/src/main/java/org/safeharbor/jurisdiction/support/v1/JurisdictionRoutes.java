package org.safeharbor.jurisdiction.support.v1;

import java.time.Clock;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.IdempotentRepository;
import org.osgi.annotation.versioning.ConsumerType;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.json.v1.ReferralJson;

/**
 * The routes of a jurisdiction bundle. Extend it in the bundle's DS component (which also
 * implements {@link JurisdictionAdapter}); the core adds these routes when the component arrives.
 *
 * <p>This class builds the receiving route, the same for every state:
 * <pre>
 * amqp:queue:referrals.US-XX ─▶ read the canonical referral ─▶ the state's rules (takes? what to send?)
 *        ├─ already delivered (the same queue message twice) ─▶ skipped (idempotent consumer)
 *        ├─ nothing for this state ─▶ report NOT_SENT
 *        └─ the state's payload ─▶ record the attempt (payload, number) ─▶ direct:US-XX-deliver
 *             (the bundle's own transport, {@link #configureDelivery}, with the headers
 *              {@link #HEADER_REFERRAL_ID} and {@link #HEADER_ATTEMPT} for the state to de-duplicate)
 *             ├─ a passing failure (state down, timeout) ─▶ retried with backoff ({@link #redelivery()}),
 *             │      then the original referral ─▶ referrals.US-XX.DLQ, report FAILED
 *             └─ the state refuses it ({@link StateRejectedException}) ─▶ referrals.US-XX.quarantine at once,
 *                    report REJECTED with the state's reason
 * </pre>
 * The delivery route receives the state's payload as body, the referral in the exchange property
 * {@link #REFERRAL} and the id in the header {@link ReferralJson#HEADER_REFERRAL_ID}; it reports what
 * the state answered with {@link #report}. It must pass {@link #HEADER_REFERRAL_ID} and
 * {@link #HEADER_ATTEMPT} on to the state (as HTTP headers, or in its format) and no other header.
 *
 * <p>An operator's replay arrives on the same queue with the header {@link #HEADER_REPLAY_ID} (and,
 * to resend a stored output rather than format again, {@link #HEADER_REPLAY_OUTPUT}).
 */
@ConsumerType
public abstract class JurisdictionRoutes extends RouteBuilder {

    /** Exchange property holding the canonical {@link Referral}. */
    public static final String REFERRAL = "safeharborReferral";

    /** Exchange property holding the canonical JSON as received, for the quarantine. */
    private static final String ORIGINAL = "safeharborOriginal";

    /** Header (and HTTP header) to the state: the stable referral id, the same on every attempt. */
    public static final String HEADER_REFERRAL_ID = DeliveryContract.STATE_REFERRAL_ID;

    /** Header (and HTTP header) to the state: the attempt number, 1 first, greater on any redelivery. */
    public static final String HEADER_ATTEMPT = DeliveryContract.STATE_ATTEMPT;

    /** Queue message header: this message is an operator's replay (its id, linked to the original). */
    public static final String HEADER_REPLAY_ID = DeliveryContract.REPLAY_ID;

    /** Queue message header: resend the payload of this earlier attempt instead of formatting anew. */
    public static final String HEADER_REPLAY_OUTPUT = DeliveryContract.REPLAY_OUTPUT;

    /**
     * Name of the Camel registry's {@link IdempotentRepository} of delivered queue messages; the core
     * binds a JDBC one on the message store. Without one (a bundle's unit tests) nothing is de-duplicated.
     */
    public static final String DELIVERED_REPOSITORY = "safeharborDeliveredReferrals";

    /**
     * Camel property: consumers per jurisdiction queue (the core sets it from
     * {@code etc/org.safeharbor.broker.cfg queueConsumers}). One, the default, delivers each state's
     * referrals in the order they were accepted; more deliver in parallel, and so out of order.
     */
    public static final String QUEUE_CONSUMERS = "safeharbor.queueConsumers";

    /** Exchange properties of the attempt route. */
    private static final String STATE_PAYLOAD = "safeharborStatePayload";
    private static final String ATTEMPT = "safeharborAttempt";

    private final Clock clock;

    protected JurisdictionRoutes() {
        this(Clock.systemUTC());
    }

    protected JurisdictionRoutes(Clock clock) {
        this.clock = clock;
    }

    /** The adapter whose rules and format apply (normally {@code this}). */
    protected abstract JurisdictionAdapter adapter();

    /** Where statuses go: the core's {@link StatusReporter} service. */
    protected abstract StatusReporter statusReporter();

    /**
     * Defines the route that delivers the state's payload, starting {@code from(deliveryEndpoint)},
     * and reports the state's answer with {@link #report}.
     */
    protected abstract void configureDelivery(String deliveryEndpoint) throws Exception;

    /**
     * The queue consumer; transacted, so a crash mid-delivery leaves the referral on the queue. The
     * JMS session's own (local) transaction, not a Spring transaction manager: with one, Spring's
     * listener caches nothing and opens a new AMQP connection for every poll of the queue.
     * {@link #QUEUE_CONSUMERS} consumers.
     */
    protected String queueEndpoint() {
        return "amqp:queue:" + DeliveryContract.queue(adapter().jurisdiction())
                + "?transacted=true&lazyCreateTransactionManager=false&cacheLevelName=CACHE_CONSUMER"
                + "&concurrentConsumers={{" + QUEUE_CONSUMERS + ":1}}";
    }

    /** Where referrals go after the last retry: {@code referrals.US-XX.DLQ}. */
    protected String deadLetterEndpoint() {
        return "amqp:queue:" + DeliveryContract.deadLetters(adapter().jurisdiction());
    }

    /** Where referrals the state refused go: {@code referrals.US-XX.quarantine}. */
    protected String quarantineEndpoint() {
        return "amqp:queue:" + DeliveryContract.quarantine(adapter().jurisdiction());
    }

    /** This jurisdiction's retry policy; a bundle returns the one from its configuration. */
    protected Redelivery redelivery() {
        return Redelivery.DEFAULT;
    }

    @Override
    public void configure() throws Exception {
        Jurisdiction jurisdiction = adapter().jurisdiction();
        String deliver = "direct:" + jurisdiction.code() + "-deliver";
        String attempt = "direct:" + jurisdiction.code() + "-attempt";
        // the bundle's own routes hand every failure back to the receiving route, whose policy
        // (retry with backoff, dead letters, quarantine) applies: one place decides
        errorHandler(noErrorHandler());
        Redelivery retry = redelivery();
        org.apache.camel.model.ProcessorDefinition<?> receive = from(queueEndpoint()).routeId(jurisdiction.code() + "-receive")
                .errorHandler(deadLetterChannel(deadLetterEndpoint())
                        // the canonical referral, not the half-built state payload, goes to the DLQ
                        .useOriginalMessage()
                        .maximumRedeliveries(retry.maximumRedeliveries())
                        .redeliveryDelay(retry.firstDelay().toMillis())
                        .useExponentialBackOff().backOffMultiplier(retry.multiplier())
                        .maximumRedeliveryDelay(retry.maximumDelay().toMillis())
                        .retryAttemptedLogLevel(org.apache.camel.LoggingLevel.WARN)
                        .logStackTrace(false).logExhaustedMessageHistory(false).logExhaustedMessageBody(false)
                        .onPrepareFailure(exchange -> reportGaveUp(exchange, retry)))
                // matched by predicate, not by class name: Camel loads onException classes through the
                // CamelContext's class loader (the platform bundle), which cannot see this bundle
                .onException(Exception.class).onWhen(JurisdictionRoutes::isRefusal).maximumRedeliveries(0).handled(true)
                    .process(this::reportRejected)
                    .setBody(exchangeProperty(ORIGINAL))
                    .to(quarantineEndpoint())
                .end()
                .setProperty(ORIGINAL, body());
        // the same queue message twice (the outbox re-queued it, a hospital resent it while it was
        // being queued) is delivered once: Camel's idempotent consumer on the core's repository. The
        // key is added only when the exchange is done (not eager), so a crash mid-delivery leaves the
        // message to be delivered again, announced as attempt n+1.
        IdempotentRepository delivered = getContext().getRegistry().lookupByNameAndType(DELIVERED_REPOSITORY, IdempotentRepository.class);
        org.apache.camel.model.ProcessorDefinition<?> steps = delivered == null ? receive
                : receive.idempotentConsumer(method(this, "deliveryKey"), delivered).eager(false);
        steps.process(this::toStatePayload)
                .filter(body().isNotNull())
                .to(attempt);

        // each pass through here is one attempt, retries included: numbered and recorded with its payload
        from(attempt).routeId(jurisdiction.code() + "-attempt")
                .process(this::startAttempt)
                .doTry()
                    .to(deliver)
                .doCatch(Exception.class)
                    .process(this::attemptFailed)
                .end();
        configureDelivery(deliver);
    }

    /** The idempotency key of a queue message: jurisdiction and referral id, and the replay's id if it is one. */
    public String deliveryKey(Exchange exchange) {
        String referralId = exchange.getMessage().getHeader(ReferralJson.HEADER_REFERRAL_ID, String.class);
        if (referralId == null) {
            referralId = ReferralJson.INSTANCE.read(exchange.getMessage().getBody(String.class)).id().value();
        }
        return DeliveryContract.deliveryKey(adapter().jurisdiction(), referralId,
                exchange.getMessage().getHeader(HEADER_REPLAY_ID, String.class));
    }


    /** Numbers and records this attempt; the payload is the one first built, whatever a failed try left in the body. */
    private void startAttempt(Exchange exchange) {
        Referral referral = exchange.getProperty(REFERRAL, Referral.class);
        String payload = exchange.getProperty(STATE_PAYLOAD, String.class);
        if (payload == null) {
            payload = exchange.getMessage().getBody(String.class);
            exchange.setProperty(STATE_PAYLOAD, payload);
        }
        int number = statusReporter().recordAttempt(referral.id(), adapter().jurisdiction(), payload);
        exchange.setProperty(ATTEMPT, number);
        exchange.getMessage().setBody(payload);
        exchange.getMessage().setHeader(HEADER_REFERRAL_ID, referral.id().value());
        exchange.getMessage().setHeader(HEADER_ATTEMPT, String.valueOf(number));
    }

    /** Records the failure (its class, or the state's reason; no personal data) and hands it on to the error handler. */
    private void attemptFailed(Exchange exchange) throws Exception {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Referral referral = exchange.getProperty(REFERRAL, Referral.class);
        StateRejectedException rejected = null;
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (t instanceof StateRejectedException r) {
                rejected = r;
                break;
            }
        }
        String reason = rejected != null ? "refused: " + rejected.getMessage() : caught.getClass().getSimpleName()
                + (caught.getCause() == null ? "" : " (" + caught.getCause().getClass().getSimpleName() + ")");
        statusReporter().recordAttemptFailed(referral.id(), adapter().jurisdiction(), exchange.getProperty(ATTEMPT, Integer.class), reason);
        throw caught;
    }

    /** Reads the referral and turns it into the state's payload, or reports that nothing is sent. */
    private void toStatePayload(Exchange exchange) {
        Referral referral = ReferralJson.INSTANCE.read(exchange.getMessage().getBody(String.class));
        exchange.setProperty(REFERRAL, referral);
        exchange.getMessage().setHeader(ReferralJson.HEADER_REFERRAL_ID, referral.id().value());
        Jurisdiction jurisdiction = adapter().jurisdiction();
        Integer storedAttempt = exchange.getMessage().getHeader(HEADER_REPLAY_OUTPUT, Integer.class);
        if (storedAttempt != null) {
            // an operator's replay of what an earlier attempt sent, byte for byte
            exchange.getMessage().setBody(statusReporter().storedOutput(referral.id(), jurisdiction, storedAttempt)
                    .orElseThrow(() -> new IllegalStateException("no stored output of attempt " + storedAttempt + " for " + referral.id())));
            return;
        }
        Optional<String> payload = adapter().takes(referral) ? adapter().format().write(referral) : Optional.empty();
        if (payload.isEmpty()) {
            statusReporter().report(new StatusUpdate(referral.id(), jurisdiction, DeliveryStatus.NOT_SENT, null, clock.instant(),
                    adapter().takes(referral) ? "nothing in this referral is reported to " + jurisdiction.code() + " under its rules"
                            : "not a " + jurisdiction.code() + " case under its rules"));
            exchange.getMessage().setBody(null);
            return;
        }
        exchange.getMessage().setBody(payload.get());
    }

    /** True when the failure is the state refusing the report (anywhere in the cause chain). */
    private static boolean isRefusal(Exchange exchange) {
        return refusal(exchange) != null;
    }

    private static StateRejectedException refusal(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StateRejectedException rejected) {
                return rejected;
            }
        }
        return null;
    }

    private void reportRejected(Exchange exchange) {
        Exception cause = refusal(exchange);
        report(exchange, DeliveryStatus.REJECTED, "refused by " + adapter().jurisdiction().code() + ": "
                + (cause == null ? "no reason given" : cause.getMessage()) + "; kept in quarantine");
    }

    private void reportGaveUp(Exchange exchange, Redelivery retry) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (refusal(exchange) != null) {
            return; // Camel prepares every failure this way; a refusal is reported REJECTED by its own handler
        }
        report(exchange, DeliveryStatus.FAILED, "delivery gave up after " + (retry.maximumRedeliveries() + 1) + " attempts ("
                + (cause == null ? "unknown error" : cause.getClass().getSimpleName()) + "); on the dead-letter queue");
    }

    /** Reports for the referral the exchange carries (read again from the body if not read yet). */
    private void report(Exchange exchange, DeliveryStatus status, String reason) {
        Referral referral = exchange.getProperty(REFERRAL, Referral.class);
        if (referral == null) {
            try {
                referral = ReferralJson.INSTANCE.read(exchange.getMessage().getBody(String.class));
            } catch (IllegalArgumentException unreadable) {
                return; // not a referral at all: nothing to report it against; the DLQ keeps it
            }
        }
        statusReporter().report(new StatusUpdate(referral.id(), adapter().jurisdiction(), status, null, clock.instant(), reason));
    }

    /**
     * A processor reporting a status for the exchange's referral. {@code intakeNumber} may be null
     * or an expression such as {@code header("intakeNumber")}; {@code reason} must hold no personal data.
     */
    protected Processor report(DeliveryStatus status, org.apache.camel.Expression intakeNumber, String reason) {
        return exchange -> {
            Referral referral = exchange.getProperty(REFERRAL, Referral.class);
            String number = intakeNumber == null ? null : intakeNumber.evaluate(exchange, String.class);
            statusReporter().report(new StatusUpdate(referral.id(), adapter().jurisdiction(), status, number, clock.instant(), reason));
        };
    }
}
