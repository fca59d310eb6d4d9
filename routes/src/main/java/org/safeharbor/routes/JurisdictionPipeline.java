package org.safeharbor.routes;

import java.time.Clock;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.IdempotentRepository;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.StateRejectedException;
import org.safeharbor.jurisdiction.support.v1.StateTransport;

/**
 * One jurisdiction's delivery path, the same for every state; the core builds it from the state's
 * {@link JurisdictionAdapter} (rules, format) and {@link StateTransport} (how the payload reaches the state).
 * <pre>
 * referrals.US-XX ──▶ US-XX-receive: open the canonical referral ({@link QueueBody}) ──▶ the state's rules (takes? what to send?)
 *    ├─ the same queue message twice ──▶ skipped (idempotent consumer on the message store)
 *    ├─ nothing for this state ──▶ NOT_SENT
 *    └─ the state's payload ──▶ US-XX-attempt: number and record attempt n (payload kept)
 *          ──▶ direct:US-XX-deliver (the state's transport) ──▶ report its answer (ACKNOWLEDGED + intake number ...)
 *          ├─ a passing failure (state down, timeout) ──▶ retried with backoff ({@link StateTransport#redelivery()}),
 *          │      then the canonical referral ──▶ referrals.US-XX.DLQ, FAILED
 *          └─ the state refuses the report ({@link StateRejectedException}) ──▶ referrals.US-XX.quarantine at once, REJECTED
 * </pre>
 * Names of queues, headers and the idempotency key: {@link DeliveryContract}. An operator's replay arrives on the same
 * queue with {@link DeliveryContract#REPLAY_ID} (and {@link DeliveryContract#REPLAY_OUTPUT} to resend a stored payload).
 */
public final class JurisdictionPipeline extends RouteBuilder {

    /**
     * Name of the Camel registry's {@link IdempotentRepository} of delivered queue messages; {@link CamelRuntime} binds
     * a JDBC one on the message store. Without one (a bundle's unit tests) nothing is de-duplicated.
     */
    public static final String DELIVERED_REPOSITORY = "safeharborDeliveredReferrals";
    /**
     * Registry name of the {@link AnswerTransaction} the core binds with a JDBC {@link #DELIVERED_REPOSITORY}; without
     * one (a state bundle's in-memory tests) the answer and the key are written one after the other, as before.
     */
    public static final String ANSWER_TRANSACTION = "safeharborAnswerTransaction";

    /**
     * Camel property: consumers per jurisdiction queue ({@code etc/org.safeharbor.broker.cfg queueConsumers}). One, the
     * default, delivers each state's referrals in the order they were accepted; more deliver in parallel, out of order.
     */
    public static final String QUEUE_CONSUMERS = "safeharbor.queueConsumers";

    /** Exchange property holding the queue message's body as received (sealed), for the quarantine. */
    private static final String ORIGINAL = "safeharborOriginal";
    private static final String STATE_PAYLOAD = "safeharborStatePayload";
    private static final String ATTEMPT = "safeharborAttempt";
    private static final String ATTEMPT_STARTED = "safeharborAttemptStarted";
    private static final String DELIVERY_KEY = "safeharborDeliveryKey";

    /** Where the path reads and where it puts what it cannot deliver. */
    public record Queues(String queue, String deadLetters, String quarantine) {

        /** The jurisdiction's durable queues on the broker (AMQP). */
        public static Queues onTheBroker(Jurisdiction jurisdiction) {
            return onTheBroker(jurisdiction, "{{" + QUEUE_CONSUMERS + ":1}}");
        }

        /**
         * The jurisdiction's durable queues, read by {@code consumers} consumers on this node (one: the state's referrals
         * in the order they were accepted, on every node: {@link DeliveryOrder}).
         */
        public static Queues onTheBroker(Jurisdiction jurisdiction, int consumers) {
            return onTheBroker(jurisdiction, String.valueOf(consumers));
        }

        private static Queues onTheBroker(Jurisdiction jurisdiction, String consumers) {
            // transacted on the JMS session's own (local) transaction: a crash mid-delivery leaves the referral on
            // the queue. Not a Spring transaction manager: with one, Spring's listener caches nothing and opens a new
            // AMQP connection for every poll of the queue.
            return new Queues("amqp:queue:" + DeliveryContract.queue(jurisdiction)
                    + "?transacted=true&lazyCreateTransactionManager=false&cacheLevelName=CACHE_CONSUMER"
                    + "&concurrentConsumers=" + consumers,
                    "amqp:queue:" + DeliveryContract.deadLetters(jurisdiction),
                    "amqp:queue:" + DeliveryContract.quarantine(jurisdiction));
        }

        /**
         * For a state bundle's tests, without a broker: referrals are sent to {@code direct:queue}, and what could
         * not be delivered lands on {@code mock:dlq} and {@code mock:quarantine}.
         */
        public static Queues inMemory() {
            return new Queues("direct:queue", "mock:dlq", "mock:quarantine");
        }
    }

    private final JurisdictionAdapter adapter;
    private final StateTransport transport;
    private final StatusReporter reporter;
    private final Clock clock;
    private final Queues queues;
    private final Jurisdiction jurisdiction;
    private final QueueBody body;
    /** Null without the core's meter registry (a state bundle's in-memory tests): nothing is counted. */
    private DeliveryMetrics metrics;
    /** The delivered keys (null: none) and the transaction an answer shares with its key (null: none, two commits). */
    private IdempotentRepository deliveredKeys;
    private AnswerTransaction answerTransaction;

    /**
     * Runs its work in one database transaction on the DataSource of both the message store and the delivered keys, so
     * the state's answer (status, event, audit) and the delivered key are one commit instead of two (issue 16). The
     * core builds it from Camel's JDBC repository (its Spring TransactionTemplate, which the store's joins); a type of
     * ours so that state bundles, whose tests have no camel-sql, never load Camel's JDBC classes.
     */
    @FunctionalInterface
    public interface AnswerTransaction {
        void run(Runnable work);
    }

    /** Reads queue messages in clear canonical JSON only: a state bundle's tests on {@link Queues#inMemory()}. */
    public JurisdictionPipeline(JurisdictionAdapter adapter, StateTransport transport, StatusReporter reporter, Clock clock,
                                Queues queues) {
        this(adapter, transport, reporter, clock, queues, new QueueBody(null));
    }

    /** @param body how the queue's messages are opened: sealed with the message store's cipher, as the intake queues them */
    public JurisdictionPipeline(JurisdictionAdapter adapter, StateTransport transport, StatusReporter reporter, Clock clock,
                                Queues queues, QueueBody body) {
        this.body = body;
        this.adapter = adapter;
        this.transport = transport;
        this.reporter = reporter;
        this.clock = clock;
        this.queues = queues;
        this.jurisdiction = adapter.jurisdiction();
    }

    @Override
    public void configure() throws Exception {
        String deliver = DeliveryContract.deliverEndpoint(jurisdiction);
        String attempt = "direct:" + jurisdiction.code() + "-attempt";
        // the state's routes hand every failure back to the receiving route, whose policy applies: one place decides
        errorHandler(noErrorHandler());
        Object meters = getContext().getRegistry().lookupByName(org.apache.camel.component.micrometer.MicrometerConstants.METRICS_REGISTRY_NAME);
        metrics = meters == null ? null : new DeliveryMetrics(meters);
        Redelivery retry = transport.redelivery();
        RouteDefinition receiveRoute = from(queues.queue()).routeId(jurisdiction.code() + "-receive");
        ProcessorDefinition<?> receive = receiveRoute
                .errorHandler(deadLetterChannel(queues.deadLetters())
                        // the canonical referral, not the half-built state payload, goes to the DLQ
                        .useOriginalMessage()
                        .maximumRedeliveries(retry.maximumRedeliveries())
                        .redeliveryDelay(retry.firstDelay().toMillis())
                        .useExponentialBackOff().backOffMultiplier(retry.multiplier())
                        .maximumRedeliveryDelay(retry.maximumDelay().toMillis())
                        .retryAttemptedLogLevel(LoggingLevel.WARN)
                        .logStackTrace(false).logExhaustedMessageHistory(false).logExhaustedMessageBody(false)
                        .onPrepareFailure(exchange -> reportGaveUp(exchange, retry)))
                // matched by predicate, not by class name: Camel loads onException classes through the CamelContext's
                // class loader (the platform bundle), which cannot see the state's bundle
                .onException(Exception.class).onWhen(JurisdictionPipeline::isRefusal).maximumRedeliveries(0).handled(true)
                    .process(this::reportRejected)
                    .setBody(exchangeProperty(ORIGINAL))
                    .to(queues.quarantine())
                .end()
                .setProperty(ORIGINAL, body());
        // the same queue message twice (the outbox re-queued it, a hospital resent it while it was being queued) is
        // delivered once. The key is kept only when the exchange is done (not eager), so a crash mid-delivery leaves
        // the message to be delivered again, announced as attempt n+1.
        IdempotentRepository delivered = getContext().getRegistry().lookupByNameAndType(DELIVERED_REPOSITORY, IdempotentRepository.class);
        deliveredKeys = delivered;
        answerTransaction = getContext().getRegistry().lookupByNameAndType(ANSWER_TRANSACTION, AnswerTransaction.class);
        ProcessorDefinition<?> steps = delivered == null ? receive
                : receive.setProperty(DELIVERY_KEY, method(this, "deliveryKey"))
                        .idempotentConsumer(exchangeProperty(DELIVERY_KEY), delivered).eager(false);
        steps.unmarshal(body)
                .process(this::toStatePayload)
                .filter(body().isNotNull())
                .to(attempt);

        // each pass through here is one attempt, retries included: numbered and recorded with its payload
        from(attempt).routeId(jurisdiction.code() + "-attempt")
                .process(this::startAttempt)
                .doTry()
                    .to(deliver)
                    .process(this::reportAnswer)
                .doCatch(Exception.class)
                    .process(this::attemptFailed)
                .end();
        transport.configure(this, deliver);
        // a transport with work for one node at a time (a batch collected in the shared database, a poller) has its
        // whole path on the node that holds the singleton lease: the batch is collected where it is sent
        if (getRouteCollection().getRoutes().stream().anyMatch(route -> DeliveryContract.SINGLETON_ROUTES.equals(route.getGroup()))) {
            getRouteCollection().getRoutes().forEach(route -> route.setGroup(DeliveryContract.SINGLETON_ROUTES));
        } else if (DeliveryOrder.inOrder(getContext(), jurisdiction)) {
            // a state delivered in order reads its queue on one node at a time, under its own lease (DeliveryOrder)
            receiveRoute.setGroup(DeliveryOrder.lease(jurisdiction));
        }
    }

    /** The idempotency key of a queue message ({@link DeliveryContract#deliveryKey}). */
    public String deliveryKey(Exchange exchange) {
        String referralId = exchange.getMessage().getHeader(DeliveryContract.REFERRAL_ID, String.class);
        if (referralId == null) {
            referralId = body.read(exchange.getMessage().getBody(String.class), null).id().value();
        }
        return DeliveryContract.deliveryKey(jurisdiction, referralId, exchange.getMessage().getHeader(DeliveryContract.REPLAY_ID, String.class));
    }

    /** Turns the referral (opened from the queue message) into the state's payload, or reports that nothing is sent. */
    private void toStatePayload(Exchange exchange) {
        Referral referral = exchange.getMessage().getBody(Referral.class);
        exchange.setProperty(DeliveryContract.REFERRAL_PROPERTY, referral);
        exchange.getMessage().setHeader(DeliveryContract.REFERRAL_ID, referral.id().value());
        Integer storedAttempt = exchange.getMessage().getHeader(DeliveryContract.REPLAY_OUTPUT, Integer.class);
        if (storedAttempt != null) {
            // an operator's replay of what an earlier attempt sent, byte for byte
            exchange.getMessage().setBody(reporter.storedOutput(referral.id(), jurisdiction, storedAttempt)
                    .orElseThrow(() -> new IllegalStateException("no stored output of attempt " + storedAttempt + " for " + referral.id())));
            return;
        }
        boolean takes = adapter.takes(referral);
        Optional<String> payload = takes ? adapter.format().write(referral) : Optional.empty();
        if (payload.isEmpty()) {
            report(referral, DeliveryStatus.NOT_SENT, null, takes ? "nothing in this referral is reported to " + jurisdiction.code()
                    + " under its rules" : "not a " + jurisdiction.code() + " case under its rules");
            exchange.getMessage().setBody(null);
            return;
        }
        exchange.getMessage().setBody(payload.get());
    }

    /** Numbers and records this attempt; the payload is the one first built, whatever a failed try left in the body. */
    private void startAttempt(Exchange exchange) {
        Referral referral = referral(exchange);
        String payload = exchange.getProperty(STATE_PAYLOAD, String.class);
        if (payload == null) {
            payload = exchange.getMessage().getBody(String.class);
            exchange.setProperty(STATE_PAYLOAD, payload);
        }
        int number = reporter.recordAttempt(referral.id(), jurisdiction, payload);
        exchange.setProperty(ATTEMPT, number);
        exchange.setProperty(ATTEMPT_STARTED, System.nanoTime());
        exchange.getMessage().setBody(payload);
        exchange.getMessage().removeHeaders("SafeHarborState*");
        exchange.getMessage().setHeader(DeliveryContract.STATE_REFERRAL_ID, referral.id().value());
        exchange.getMessage().setHeader(DeliveryContract.STATE_ATTEMPT, String.valueOf(number));
    }

    /** Reports what the state's transport says the state answered; no answer (e.g. a batch sent later): nothing yet. */
    private void reportAnswer(Exchange exchange) {
        timeAttempt(exchange, DeliveryMetrics.ANSWERED);
        String answer = exchange.getMessage().getHeader(DeliveryContract.ANSWER, String.class);
        if (answer == null) {
            return;
        }
        StatusUpdate update = new StatusUpdate(referral(exchange).id(), jurisdiction, DeliveryStatus.valueOf(answer),
                exchange.getMessage().getHeader(DeliveryContract.ANSWER_INTAKE_NUMBER, String.class), clock.instant(),
                exchange.getMessage().getHeader(DeliveryContract.ANSWER_REASON, String.class));
        String key = exchange.getProperty(DELIVERY_KEY, String.class);
        if (deliveredKeys == null || answerTransaction == null || key == null) {
            reporter.report(update);
        } else {
            // the answer and the delivered key in one commit instead of two. When the exchange completes, the idempotent
            // consumer's own add finds the key there; if it fails after this, the consumer removes the key as before.
            answerTransaction.run(() -> {
                reporter.report(update);
                deliveredKeys.add(key);
            });
        }
        if (metrics != null) {
            metrics.delivery(jurisdiction, update.status());
        }
    }

    /** Records the failure (its class, or the state's reason; no personal data) and hands it on to the error handler. */
    private void attemptFailed(Exchange exchange) throws Exception {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        StateRejectedException rejected = refusal(caught);
        String reason = rejected != null ? "refused: " + rejected.getMessage() : caught.getClass().getSimpleName()
                + (caught.getCause() == null ? "" : " (" + caught.getCause().getClass().getSimpleName() + ")");
        reporter.recordAttemptFailed(referral(exchange).id(), jurisdiction, exchange.getProperty(ATTEMPT, Integer.class), reason);
        timeAttempt(exchange, rejected != null ? DeliveryMetrics.REFUSED : DeliveryMetrics.FAILED);
        throw caught;
    }

    private void timeAttempt(Exchange exchange, String outcome) {
        // removed once read: an attempt is timed once, even when reporting its answer fails
        Long started = (Long) exchange.removeProperty(ATTEMPT_STARTED);
        if (metrics != null && started != null) {
            metrics.attempt(jurisdiction, outcome, System.nanoTime() - started);
        }
    }

    private static boolean isRefusal(Exchange exchange) {
        return refusal(failure(exchange)) != null;
    }

    private static Throwable failure(Exchange exchange) {
        return exchange.getException() != null ? exchange.getException() : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    /** The state refusing the report, anywhere in the cause chain, or null. */
    private static StateRejectedException refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StateRejectedException rejected) {
                return rejected;
            }
        }
        return null;
    }

    private void reportRejected(Exchange exchange) {
        StateRejectedException cause = refusal(failure(exchange));
        reportFor(exchange, DeliveryStatus.REJECTED, "refused by " + jurisdiction.code() + ": "
                + (cause == null ? "no reason given" : cause.getMessage()) + "; kept in quarantine");
    }

    private void reportGaveUp(Exchange exchange, Redelivery retry) {
        Throwable cause = failure(exchange);
        if (refusal(cause) != null) {
            return; // Camel prepares every failure this way; a refusal is reported REJECTED by its own handler
        }
        reportFor(exchange, DeliveryStatus.FAILED, "delivery gave up after " + (retry.maximumRedeliveries() + 1) + " attempts ("
                + (cause == null ? "unknown error" : cause.getClass().getSimpleName()) + "); on the dead-letter queue");
    }

    /** Reports for the referral the exchange carries (read again from the body if not read yet). */
    private void reportFor(Exchange exchange, DeliveryStatus status, String reason) {
        Referral referral = referral(exchange);
        if (referral == null) {
            try {
                referral = body.read(exchange.getMessage().getBody(String.class),
                        exchange.getMessage().getHeader(DeliveryContract.REFERRAL_ID, String.class));
            } catch (IllegalArgumentException unreadable) {
                return; // not a referral at all: nothing to report it against; the DLQ keeps it
            }
        }
        report(referral, status, null, reason);
    }

    private void report(Referral referral, DeliveryStatus status, String intakeNumber, String reason) {
        reporter.report(new StatusUpdate(referral.id(), jurisdiction, status, intakeNumber, clock.instant(), reason));
        if (metrics != null) {
            metrics.delivery(jurisdiction, status);
        }
    }

    private static Referral referral(Exchange exchange) {
        return exchange.getProperty(DeliveryContract.REFERRAL_PROPERTY, Referral.class);
    }
}
