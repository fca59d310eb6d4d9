package org.safeharbor.routes;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.builder.RouteBuilder;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.store.Delivery;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.StoredReferral;

/**
 * The first half of the data path, from an accepted submission to the jurisdictions' durable queues (the second half,
 * queue to state, is {@link JurisdictionPipeline}):
 * <pre>
 * FHIR intake (bundles/fhir: parse, authorize, read the canonical referral)
 *   ──▶ direct:safeharbor-intake   "intake":   store it, once per submission key (a resend finds what was stored)
 *         ──▶ split by jurisdiction, each one still RECEIVED
 *               ──▶ direct:intake-queue "intake-queue": ──▶ direct:safeharbor-queue "queue": sealed, on referrals.US-XX
 *                                                       ──▶ record QUEUED (ON_HOLD without the state's bundle)
 *         ──▶ back to the intake, which answers the hospital 202
 * timer "intake-outbox": what is still RECEIVED after the outbox age and not being queued by this process now: its
 *         queueing failed here (broker or store away), or nothing here tried since this process started (a process
 *         stopped between store and queue) ──▶ split ──▶ direct:intake-queue
 * an operator's replay (bundles/fhir ReplayService) ──▶ direct:safeharbor-queue
 * </pre>
 * Store first, then queue: a crash in between leaves the referral stored and RECEIVED, queued by the hospital's resend
 * or by the outbox sweep, and never stored twice; a message queued twice is delivered once (the pipeline's idempotent
 * consumer). The hospital's 202 comes only after both, because the intake waits for this route and any failure here
 * reaches it. The queue message's body is sealed with the message store's cipher ({@link QueueBody}), so the broker's
 * journal holds no personal data. Endpoint and header names: {@link DeliveryContract}.
 */
public final class IntakeRoute extends RouteBuilder {

    static final String INTAKE = "intake";
    static final String INTAKE_QUEUE = "intake-queue";
    static final String QUEUE = "queue";
    static final String OUTBOX = "intake-outbox";
    /** The outbox's sweep as its own endpoint, so a test runs one sweep without the timer. */
    static final String OUTBOX_SWEEP = "direct:intake-outbox";
    /** Result header of a sweep: how many deliveries it found left behind (and queued). */
    static final String OUTBOX_FOUND = "SafeHarborOutboxFound";
    /** Result header of a sweep: of those, how many had a queue attempt in this process that failed. */
    static final String OUTBOX_FAILED = "SafeHarborOutboxFailed";
    /** Result header of a sweep: deliveries past the outbox age it left alone because their queueing is in flight here. */
    static final String OUTBOX_IN_FLIGHT = "SafeHarborOutboxInFlight";
    private static final String QUEUE_AND_RECORD = "direct:intake-queue";
    private static final String STORED = "safeharborStored";
    private static final String RECORDED = "safeharborRecorded";
    private static final String AMQP_QUEUE = "safeharborQueue";
    private static final String CLAIM = "safeharborQueueing";
    private static final String CLAIMS = "safeharborQueueingAll";
    /** Sweeps take this many left-behind deliveries at a time. */
    private static final int OUTBOX_BATCH = 1_000;
    /** Failed queue attempts remembered at most (for the sweep's log line), as many as ten sweeps take. */
    private static final int FAILED_KEPT = 10 * OUTBOX_BATCH;

    private final MessageStore store;
    private final Predicate<Jurisdiction> installed;
    private final Clock clock;
    private final Duration outboxInterval;
    private final Duration outboxAge;
    private final QueueBody body;
    /**
     * The deliveries ({@link #key}) this process is queueing right now, with how many attempts at once: the sweep never
     * takes one of them (during a broker outage a queue attempt is held until the broker is back or it fails, for longer
     * than the outbox age, and the sweep used to queue a second copy meanwhile; issue 20).
     */
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    /** Deliveries whose last queue attempt in this process failed, with the failure's type (never its message). */
    private final Map<String, String> failed = new ConcurrentHashMap<>();

    /**
     * @param installed      whether a jurisdiction's bundle is active: its referrals are QUEUED, else ON_HOLD on the queue
     * @param outboxInterval how often the outbox sweeps
     * @param outboxAge      how long a delivery stays RECEIVED before the sweep takes it, unless its queueing is in flight here
     * @param body           how the queue message's body is written (sealed with the message store's cipher)
     */
    public IntakeRoute(MessageStore store, Predicate<Jurisdiction> installed, Clock clock, Duration outboxInterval, Duration outboxAge,
                       QueueBody body) {
        this.body = body;
        this.store = store;
        this.installed = installed;
        this.clock = clock;
        this.outboxInterval = outboxInterval;
        this.outboxAge = outboxAge;
    }

    @Override
    public void configure() {
        // every failure goes back to the caller (the intake answers 500, the sweep retries): nothing is swallowed here,
        // and nothing is logged with the exchange (its headers hold the submission)
        errorHandler(noErrorHandler());

        from(DeliveryContract.INTAKE_ENDPOINT).routeId(INTAKE)
                .process(this::store)
                // every delivery it will queue is in flight from now on, not only the one being sent: the split is
                // sequential, and a sweep must not take US-MO while the send to US-IL is held
                .process(this::claimAll)
                .doTry()
                    .split(method(this, "toQueue"), AggregationStrategies.flexible(Delivery.class).pick(body())
                                    .accumulateInCollection(ArrayList.class).storeInProperty(RECORDED))
                            .stopOnException()
                        .to(QUEUE_AND_RECORD)
                    .end()
                    .process(this::answer)
                .endDoTry()
                .doFinally()
                    .process(this::releaseAll)
                .end();

        from(QUEUE_AND_RECORD).routeId(INTAKE_QUEUE)
                .process(this::claim)
                .doTry()
                    .to(DeliveryContract.QUEUE_ENDPOINT)
                    .process(this::recordQueued)
                .doCatch(Exception.class)
                    .process(this::queueingFailed)
                .doFinally()
                    .process(this::release)
                .end();

        from(DeliveryContract.QUEUE_ENDPOINT).routeId(QUEUE)
                .process(this::toQueueMessage)
                // sealed as a String (a text message), read once or many times alike
                .setBody().body(Referral.class, body::write)
                .setExchangePattern(ExchangePattern.InOnly)
                // sent synchronously and persistent: when this returns, the broker has it
                // an endpoint per queue, not one endpoint with the queue in a header: the same in tests (stub) as on the broker
                .toD().allowOptimisedComponents(false)
                    .uri("amqp:queue:${exchangeProperty." + AMQP_QUEUE + "}?deliveryPersistent=true&jmsMessageType=Text");

        // one node at a time sweeps (Singletons): two would queue the same left-behind delivery twice
        from("timer:safeharbor-outbox?delay=2000&period=" + outboxInterval.toMillis()).routeId(OUTBOX)
                .routeGroup(DeliveryContract.SINGLETON_ROUTES)
                .doTry()
                    .to(OUTBOX_SWEEP)
                .doCatch(Exception.class)
                    .log(LoggingLevel.WARN, "Outbox sweep failed (${exception.class.simpleName}); retried at the next sweep")
                .end();

        from(OUTBOX_SWEEP).routeId(OUTBOX + "-sweep")
                .process(this::leftBehind)
                .filter(header(OUTBOX_IN_FLIGHT).isGreaterThan(0))
                    .log(LoggingLevel.INFO, "Outbox: ${header." + OUTBOX_IN_FLIGHT + "} stored deliveries older than " + outboxAge
                            + " are still being queued by this process (the broker or the store is slow or away); left to it")
                .end()
                .split(body())
                    .process(exchange -> {
                        MessageStore.OpenDelivery open = exchange.getMessage().getBody(MessageStore.OpenDelivery.class);
                        exchange.getMessage().setHeader(DeliveryContract.JURISDICTION, open.delivery().jurisdiction().code());
                        exchange.getMessage().setBody(open.referral());
                    })
                    .to(QUEUE_AND_RECORD)
                .end()
                .filter(header(OUTBOX_FOUND).isGreaterThan(0))
                    .log(LoggingLevel.WARN, "Outbox: queued ${header." + OUTBOX_FOUND + "} stored deliveries still unqueued after "
                            + outboxAge + ": ${header." + OUTBOX_FAILED + "} whose queueing had failed in this process"
                            + " (${header." + OUTBOX_FAILED + "Reasons}), the others not tried by this process since it started"
                            + " (left when a process stopped between store and queue, or by another node)");
    }

    /**
     * The sweep's deliveries: still RECEIVED after the outbox age and not being queued in this process now; the headers
     * count those whose queueing failed here and those left to an attempt in flight.
     */
    private void leftBehind(Exchange exchange) {
        List<MessageStore.OpenDelivery> unqueued = store.unqueued(clock.instant().minus(outboxAge), OUTBOX_BATCH);
        List<MessageStore.OpenDelivery> take = new ArrayList<>();
        java.util.Set<String> reasons = new java.util.TreeSet<>();
        int inFlightNow = 0;
        int failedHere = 0;
        for (MessageStore.OpenDelivery open : unqueued) {
            String key = key(open.referral().id().value(), open.delivery().jurisdiction().code());
            if (inFlight.containsKey(key)) {
                inFlightNow++;
                continue;
            }
            String reason = failed.get(key);
            if (reason != null) {
                failedHere++;
                reasons.add(reason);
            }
            take.add(open);
        }
        org.apache.camel.Message message = exchange.getMessage();
        message.setBody(take);
        message.setHeader(OUTBOX_FOUND, take.size());
        message.setHeader(OUTBOX_FAILED, failedHere);
        message.setHeader(OUTBOX_FAILED + "Reasons", reasons.isEmpty() ? "none" : String.join(", ", reasons));
        message.setHeader(OUTBOX_IN_FLIGHT, inFlightNow);
    }

    private static String key(String referralId, String jurisdiction) {
        return referralId + "|" + jurisdiction;
    }

    /** Marks the delivery being queued in flight, so the sweep leaves it alone until this attempt ends. */
    private void claim(Exchange exchange) {
        org.apache.camel.Message message = exchange.getMessage();
        String key = key(message.getBody(Referral.class).id().value(), message.getHeader(DeliveryContract.JURISDICTION, String.class));
        exchange.setProperty(CLAIM, key);
        inFlight.merge(key, 1, Integer::sum);
    }

    /** The stored referral's deliveries to queue (RECEIVED), in flight until the intake route ends. */
    private void claimAll(Exchange exchange) {
        StoredReferral stored = exchange.getProperty(STORED, MessageStore.Accepted.class).stored();
        List<String> keys = new ArrayList<>();
        for (Delivery delivery : stored.deliveries()) {
            if (delivery.status() == DeliveryStatus.RECEIVED) {
                String key = key(stored.referral().id().value(), delivery.jurisdiction().code());
                inFlight.merge(key, 1, Integer::sum);
                keys.add(key);
            }
        }
        exchange.setProperty(CLAIMS, keys);
    }

    private void releaseAll(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<String> keys = exchange.getProperty(CLAIMS, List.class);
        if (keys != null) {
            keys.forEach(this::release);
        }
    }

    private void release(String key) {
        inFlight.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
    }

    /** The attempt ended: no longer in flight (however many others still are). */
    private void release(Exchange exchange) {
        String key = exchange.getProperty(CLAIM, String.class);
        if (key != null) {
            release(key);
        }
    }

    /** The queue attempt failed: recorded for the sweep (the type only), and the failure goes on to the caller. */
    private void queueingFailed(Exchange exchange) throws Exception {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String key = exchange.getProperty(CLAIM, String.class);
        if (key != null) {
            if (failed.size() >= FAILED_KEPT) {
                // only a label for the sweep's log line (a delivery queued here is forgotten at once): bounded, never a leak
                failed.clear();
            }
            failed.put(key, caught.getClass().getSimpleName());
        }
        throw caught;
    }

    /** Stores the submission, or finds it stored before under its key; the submission's headers go no further. */
    private void store(Exchange exchange) {
        org.apache.camel.Message in = exchange.getMessage();
        @SuppressWarnings("unchecked")
        Map<Jurisdiction, DeliveryStatus> initial = in.getHeader(DeliveryContract.SUBMISSION_STATUS, Map.class);
        @SuppressWarnings("unchecked")
        Map<Jurisdiction, String> reasons = in.getHeader(DeliveryContract.SUBMISSION_REASON, Map.class);
        MessageStore.Accepted accepted = store.accept(in.getHeader(DeliveryContract.SUBMITTED_BY, String.class),
                in.getHeader(DeliveryContract.SUBMISSION_KEY, String.class), in.getBody(Referral.class),
                in.getHeader(DeliveryContract.SUBMISSION_ACTIONABLE, Boolean.class),
                in.getHeader(DeliveryContract.SUBMISSION_RAW, String.class), in.getHeader(DeliveryContract.SUBMISSION_MEDIA_TYPE, String.class),
                initial == null ? Map.of() : initial, reasons == null ? Map.of() : reasons);
        in.removeHeaders("*");
        exchange.setProperty(STORED, accepted);
    }

    /** The split: one message per jurisdiction the stored referral still has to be queued for (RECEIVED). */
    public List<org.apache.camel.Message> toQueue(Exchange exchange) {
        StoredReferral stored = exchange.getProperty(STORED, MessageStore.Accepted.class).stored();
        List<org.apache.camel.Message> messages = new ArrayList<>();
        for (Delivery delivery : stored.deliveries()) {
            if (delivery.status() == DeliveryStatus.RECEIVED) {
                org.apache.camel.Message message = new org.apache.camel.support.DefaultMessage(exchange.getContext());
                message.setBody(stored.referral());
                message.setHeader(DeliveryContract.JURISDICTION, delivery.jurisdiction().code());
                messages.add(message);
            }
        }
        return messages;
    }

    /** The queue message's headers: the contract's, and no other; the body, the canonical referral, is sealed next. */
    private void toQueueMessage(Exchange exchange) {
        org.apache.camel.Message message = exchange.getMessage();
        Jurisdiction jurisdiction = Jurisdiction.of(message.getHeader(DeliveryContract.JURISDICTION, String.class));
        Referral referral = message.getBody(Referral.class);
        message.removeHeaders("*", DeliveryContract.JURISDICTION, DeliveryContract.REPLAY_ID, DeliveryContract.REPLAY_OUTPUT);
        message.setHeader(DeliveryContract.REFERRAL_ID, referral.id().value());
        // which consumer may take it, on any node: in order per state, or in parallel by referral (DeliveryOrder)
        message.setHeader(DeliveryContract.MESSAGE_GROUP, DeliveryOrder.group(exchange.getContext(), jurisdiction, referral.id().value()));
        exchange.setProperty(AMQP_QUEUE, DeliveryContract.queue(jurisdiction));
    }

    /**
     * Records the referral QUEUED, or ON_HOLD on its queue when its state's bundle is not installed. The body becomes the
     * delivery as recorded, or null when the state answered first (the status had already moved on).
     */
    private void recordQueued(Exchange exchange) {
        org.apache.camel.Message message = exchange.getMessage();
        Jurisdiction j = Jurisdiction.of(message.getHeader(DeliveryContract.JURISDICTION, String.class));
        String referralId = message.getHeader(DeliveryContract.REFERRAL_ID, String.class);
        boolean active = installed.test(j);
        StatusUpdate update = new StatusUpdate(new org.safeharbor.api.v1.ReferralId(referralId), j,
                active ? DeliveryStatus.QUEUED : DeliveryStatus.ON_HOLD, null, clock.instant(),
                active ? null : "no jurisdiction bundle installed: held on queue " + DeliveryContract.queue(j));
        message.setBody(store.markQueued(update) ? new Delivery(j, update.status(), null, update.reason(), update.at()) : null);
        failed.remove(key(referralId, j.code()));
    }

    /** The answer: the referral as stored, with each delivery as the queueing recorded it. */
    private void answer(Exchange exchange) {
        MessageStore.Accepted accepted = exchange.getProperty(STORED, MessageStore.Accepted.class);
        StoredReferral stored = accepted.stored();
        @SuppressWarnings("unchecked")
        List<Delivery> recorded = exchange.getProperty(RECORDED, List.class);
        recorded = recorded == null ? List.of() : recorded;
        long toQueue = stored.deliveries().stream().filter(d -> d.status() == DeliveryStatus.RECEIVED).count();
        StoredReferral now;
        if (recorded.size() < toQueue) {
            // a state answered before the intake recorded QUEUED: what it answered is in the store
            now = store.find(stored.referral().id()).orElseThrow();
        } else {
            List<Delivery> deliveries = new ArrayList<>();
            for (Delivery delivery : stored.deliveries()) {
                deliveries.add(recorded.stream().filter(r -> r.jurisdiction().equals(delivery.jurisdiction())
                        && delivery.status() == DeliveryStatus.RECEIVED).findFirst().orElse(delivery));
            }
            now = new StoredReferral(stored.referral(), stored.submissionKey(), stored.actionable(), deliveries);
        }
        exchange.getMessage().setBody(new MessageStore.Accepted(now, accepted.created()));
    }
}
