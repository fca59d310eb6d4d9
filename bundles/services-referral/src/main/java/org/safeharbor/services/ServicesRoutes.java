package org.safeharbor.services;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.hl7.fhir.r4.model.Bundle;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services referrals' path, with the guarantees of a state's delivery:
 * <pre>
 * timer services-watch: referrals accepted lately (at-risk with consent, confirmed) and deliveries a state sent to law
 *   enforcement only ─▶ each provider that takes it: the payload recorded (sealed) ─▶ queue services.referrals
 * the intake's refusal of a consented young adult (ServicesReferrals.referYoungAdult) ─▶ recorded ─▶ queue
 * services.referrals (durable, ids only) ─▶ attempt: numbered, recorded, audited ─▶ the provider's FHIR API
 *   (transaction: Patient, Organization, ServiceRequest, Task) ─▶ SENT with the provider's Task
 *   retried with exponential backoff; then FAILED and on services.referrals.DLQ
 * timer services-sweep: recorded but never queued (a restart in between) ─▶ queued
 * timer services-poll: each open Task read back from its provider ─▶ its status recorded (the hospital's Task shows it)
 * timer services-retention (hourly): sent referrals past {@code retention}, failed ones past {@code failedRetention} deleted
 * </pre>
 * The queue message carries the referral id and the provider only: the payload stays sealed in the ledger, so the
 * broker's journal holds no personal data. Logs name ids, providers and classes, never a value.
 */
public final class ServicesRoutes extends RouteBuilder {

    /** Where the referrals wait and fail to, and the timers; the broker's in production, in-memory ones in tests. */
    public record Queues(String consumer, String producer, String deadLetters, String sweep, String watch, String poll, String retention) {

        public static Queues onTheBroker(Duration watchEvery, Duration pollEvery) {
            String queue = "amqp:queue:" + QUEUE;
            return new Queues(queue + "?transacted=true&lazyCreateTransactionManager=false&cacheLevelName=CACHE_CONSUMER", queue,
                    "amqp:queue:" + QUEUE + ".DLQ", "timer:safeharbor-services-sweep?delay=15000&period=" + SWEEP_AGE.toMillis(),
                    "timer:safeharbor-services-watch?delay=5000&period=" + watchEvery.toMillis(),
                    "timer:safeharbor-services-poll?delay=20000&period=" + pollEvery.toMillis(),
                    "timer:safeharbor-services-retention?delay=60000&period=3600000");
        }
    }

    /** The durable queue: {@code services.referrals}. */
    public static final String QUEUE = "services.referrals";
    public static final String REFERRAL_ID = "SafeHarborServicesReferralId";
    public static final String PROVIDER = "SafeHarborServicesProvider";
    static final Duration SWEEP_AGE = Duration.ofMinutes(1);
    static final int BATCH = 100;
    static final String ROUTE_PREFIX = "services-";
    private static final String ATTEMPT = "safeharborServicesAttempt";
    private static final Logger LOG = LoggerFactory.getLogger(ServicesRoutes.class);

    /**
     * What the site configures for the watch and the records' retention.
     *
     * @param lookback           how far back the watch reads the store's referrals and deliveries
     * @param lawEnforcementOnly per jurisdiction, the beginning of the delivery reason that says "law enforcement only"
     * @param retention          how long a sent services referral is kept after its last change
     * @param failedRetention    how long a failed one is kept
     */
    public record Watch(Duration lookback, Map<Jurisdiction, String> lawEnforcementOnly, Duration retention, Duration failedRetention) {
    }

    private final ServicesLedger ledger;
    private final Supplier<Collection<Provider>> providers;
    private final Function<ReferralId, Optional<Referral>> referrals;
    private final StoreWatch store;
    private final Watch watch;
    private final Queues queues;
    private final Redelivery retry;
    private final Clock clock;
    private final FhirContext fhir;
    private final ServicesPayload payloads;
    private final Map<Provider, ProviderClient> clients = new ConcurrentHashMap<>();
    /** A new FHIR context per provider client (see {@link ProviderClient}). */
    private final Supplier<FhirContext> contexts;
    private volatile ProducerTemplate queue;

    /**
     * @param providers the providers configured now
     * @param referrals the message store's referrals by id
     * @param store     the message store's database (read only), for the watch
     * @param fhir      the context payloads are written and read with
     * @param contexts  a new context for each provider's client
     */
    public ServicesRoutes(ServicesLedger ledger, Supplier<Collection<Provider>> providers, Function<ReferralId, Optional<Referral>> referrals,
                          javax.sql.DataSource store, Watch watch, Queues queues, Redelivery retry, Clock clock, FhirContext fhir,
                          Supplier<FhirContext> contexts) {
        this.contexts = contexts;
        this.ledger = ledger;
        this.providers = providers;
        this.referrals = referrals;
        this.store = new StoreWatch(store);
        this.watch = watch;
        this.queues = queues;
        this.retry = retry;
        this.clock = clock;
        this.fhir = fhir;
        this.payloads = new ServicesPayload(fhir);
    }

    @Override
    public void configure() {
        queue = getContext().createProducerTemplate();
        from(queues.consumer()).routeId(ROUTE_PREFIX + "referrals")
                .errorHandler(deadLetterChannel(queues.deadLetters()).useOriginalMessage()
                        .maximumRedeliveries(retry.maximumRedeliveries()).redeliveryDelay(retry.firstDelay().toMillis())
                        .useExponentialBackOff().backOffMultiplier(retry.multiplier()).maximumRedeliveryDelay(retry.maximumDelay().toMillis())
                        // Camel's own lines would quote the exception's message (a provider's answer may echo a value):
                        // each failed attempt is logged by attemptFailed, its class and HTTP status only
                        .logRetryAttempted(false).logExhausted(false).logStackTrace(false)
                        .logExhaustedMessageHistory(false).logExhaustedMessageBody(false)
                        .onPrepareFailure(this::gaveUp))
                .to("direct:" + ROUTE_PREFIX + "attempt");
        from("direct:" + ROUTE_PREFIX + "attempt").routeId(ROUTE_PREFIX + "attempt")
                .errorHandler(noErrorHandler())
                .process(this::startAttempt)
                // 0: sent already (a second copy of the message), or not recorded: dropped
                .filter(exchangeProperty(ATTEMPT).isGreaterThan(0))
                    .doTry()
                        .process(this::send)
                    .doCatch(Exception.class)
                        .process(this::attemptFailed)
                    .end()
                .end();
        timer(queues.sweep(), "sweep", this::sweep);
        timer(queues.watch(), "watch", this::watch);
        timer(queues.poll(), "poll", this::poll);
        timer(queues.retention(), "retention", this::purge);
    }

    /**
     * A timer's route: a failed run is logged (its class only) and tried again at the next tick. One node runs it
     * (DeliveryContract.SINGLETON_ROUTES): two would sweep, watch and poll the same rows.
     */
    private void timer(String uri, String name, Runnable work) {
        from(uri).routeId(ROUTE_PREFIX + name)
                .routeGroup(DeliveryContract.SINGLETON_ROUTES)
                .doTry()
                    .process(exchange -> work.run())
                .doCatch(Exception.class)
                    .log(LoggingLevel.WARN, "Services-referral " + name + " failed (${exception.class.simpleName}); tried again at the next run")
                .end();
    }

    /** Deletes the records past their retention (the watch's marks once past its lookback); counts only are logged and audited. */
    void purge() {
        Instant now = clock.instant();
        int deleted = ledger.purge(now.minus(watch.retention()), now.minus(watch.failedRetention()), now.minus(watch.lookback()).minus(Duration.ofDays(1)));
        if (deleted > 0) {
            LOG.info("Services-referral retention: {} services referral(s) deleted", deleted);
        }
    }

    // ------------------------------------------------------------------ what is referred

    /** One watch: the referrals accepted lately and the deliveries to law enforcement only, each considered once. */
    void watch() {
        Instant since = clock.instant().minus(watch.lookback());
        for (ReferralId id : store.received(since, BATCH)) {
            referrals.apply(id).ifPresent(referral -> Trigger.atIntake(referral).forEach(trigger -> refer(referral, trigger)));
            ledger.consider(id, StoreWatch.INTAKE);
        }
        if (!watch.lawEnforcementOnly().isEmpty()) {
            for (ReferralId id : store.lawEnforcementOnly(watch.lawEnforcementOnly(), since, BATCH)) {
                referrals.apply(id).ifPresent(referral -> refer(referral, Trigger.LAW_ENFORCEMENT_ONLY));
                ledger.consider(id, Trigger.LAW_ENFORCEMENT_ONLY.code());
            }
        }
    }

    /**
     * Records and queues a services referral to every provider that takes this referral for this trigger (the person's
     * age on the day the referral was received); the names of the providers it was recorded for now.
     */
    List<String> refer(Referral referral, Trigger trigger) {
        return refer(referral, trigger, null);
    }

    /** As {@link #refer(Referral, Trigger)}, recording the client that asked for it ({@code requestedBy}, or null). */
    List<String> refer(Referral referral, Trigger trigger, String requestedBy) {
        LocalDate day = referral.receivedAt().atOffset(ZoneOffset.UTC).toLocalDate();
        List<String> recorded = new ArrayList<>();
        for (Provider provider : providers.get()) {
            if (provider.takes(referral, trigger, day)
                    && ledger.record(referral.id(), provider.name(), trigger, payloads.write(referral, provider, clock.instant()), requestedBy)) {
                LOG.info("Services referral {} to {} recorded ({})", referral.id(), provider.name(), trigger.code());
                recorded.add(provider.name());
                try {
                    queue(referral.id(), provider.name());
                } catch (RuntimeException brokerDown) {
                    // recorded is what was promised: the sweep queues it within SWEEP_AGE
                    LOG.warn("Services referral {} to {} recorded but not queued ({}): the sweep queues it", referral.id(), provider.name(),
                            brokerDown.getClass().getSimpleName());
                }
            }
        }
        return recorded;
    }

    /** Puts a recorded services referral on its durable queue (ids only) and records it queued. */
    void queue(ReferralId id, String provider) {
        ProducerTemplate template = queue;
        if (template == null) {
            throw new IllegalStateException("the services-referral routes are not running");
        }
        // an Artemis message group per services referral: its copies (the sweep's after a crash) reach one consumer at
        // a time on any node, so the second finds the first sent instead of both sending
        template.sendBodyAndHeaders(queues.producer(), "", Map.of(REFERRAL_ID, id.value(), PROVIDER, provider,
                DeliveryContract.MESSAGE_GROUP, id.value() + "/" + provider));
        ledger.queued(id, provider);
    }

    private void sweep() {
        List<ServicesLedger.Pending> left = ledger.unqueued(clock.instant().minus(SWEEP_AGE), BATCH);
        if (!left.isEmpty()) {
            LOG.warn("{} services referral(s) were recorded but never queued (a restart in between): queued now", left.size());
        }
        left.forEach(p -> queue(p.referralId(), p.provider()));
    }

    /**
     * Moves the dead letters back: each message taken off the dead-letter queue, its services referral reopened
     * (PENDING, audited with the operator) and queued again. A crash between the take and the queue leaves it PENDING,
     * which the sweep queues; a message whose referral is not FAILED (sent since: a stale copy) is dropped.
     */
    int resendDeadLetters(String operator) {
        int moved = 0;
        try (ConsumerTemplate deadLetters = getContext().createConsumerTemplate()) {
            for (Exchange letter = deadLetters.receive(queues.deadLetters(), 2000); letter != null;
                 letter = deadLetters.receive(queues.deadLetters(), 500)) {
                String id = letter.getMessage().getHeader(REFERRAL_ID, String.class);
                String provider = letter.getMessage().getHeader(PROVIDER, String.class);
                if (id != null && provider != null && ledger.reopen(new ReferralId(id), provider, operator)) {
                    queue(new ReferralId(id), provider);
                    moved++;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        LOG.info("Services referrals: {} dead letter(s) moved back onto {} by an operator", moved, QUEUE);
        return moved;
    }

    // ------------------------------------------------------------------ one attempt

    private void startAttempt(Exchange exchange) {
        ReferralId id = new ReferralId(exchange.getMessage().getHeader(REFERRAL_ID, String.class));
        String provider = exchange.getMessage().getHeader(PROVIDER, String.class);
        exchange.setProperty(ATTEMPT, ledger.startAttempt(id, provider));
    }

    private void send(Exchange exchange) {
        ReferralId id = new ReferralId(exchange.getMessage().getHeader(REFERRAL_ID, String.class));
        String name = exchange.getMessage().getHeader(PROVIDER, String.class);
        Provider provider = providers.get().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no provider " + name + " is configured"));
        Bundle transaction = fhir.newJsonParser().parseResource(Bundle.class, ledger.payload(id, name));
        ProviderClient.Created created = client(provider).send(transaction);
        int attempt = exchange.getProperty(ATTEMPT, Integer.class);
        ledger.sent(id, name, attempt, created.task(), created.status());
        LOG.info("Services referral {} sent to {} (attempt {})", id, name, attempt);
    }

    private void attemptFailed(Exchange exchange) throws Exception {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String id = exchange.getMessage().getHeader(REFERRAL_ID, String.class);
        String provider = exchange.getMessage().getHeader(PROVIDER, String.class);
        int attempt = exchange.getProperty(ATTEMPT, Integer.class);
        ledger.attemptFailed(new ReferralId(id), provider, attempt, ProviderClient.failure(caught));
        LOG.warn("Services referral {} to {}: attempt {} failed ({}); retried", id, provider, attempt, ProviderClient.failure(caught));
        throw caught;
    }

    /** After the last retry: FAILED, on the dead-letter queue. */
    private void gaveUp(Exchange exchange) {
        String id = exchange.getMessage().getHeader(REFERRAL_ID, String.class);
        String provider = exchange.getMessage().getHeader(PROVIDER, String.class);
        if (id == null || provider == null) {
            return; // not a services referral: the dead-letter queue keeps it
        }
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = "gave up after " + (retry.maximumRedeliveries() + 1) + " attempts (" + (cause == null ? "unknown error"
                : ProviderClient.failure(cause)) + "); on the dead-letter queue " + QUEUE + ".DLQ";
        ledger.failed(new ReferralId(id), provider, reason);
        LOG.error("Services referral {} to {}: {}", id, provider, reason);
    }

    // ------------------------------------------------------------------ the provider's status

    /** Reads back every open Task of every provider; a provider that fails is tried at the next poll. */
    void poll() {
        for (Provider provider : providers.get()) {
            try {
                for (ServicesLedger.Open open : ledger.open(provider.name(), BATCH)) {
                    String status = client(provider).status(open.providerTask());
                    if (status != null && ledger.providerStatus(open.referralId(), provider.name(), status)) {
                        LOG.info("Services referral {} at {}: {}", open.referralId(), provider.name(), status);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("Reading the Tasks of services provider {} failed ({}); tried again at the next poll", provider.name(),
                        ProviderClient.failure(e));
            }
        }
    }

    private ProviderClient client(Provider provider) {
        // a changed configuration is another record, so another client; the old one closes with the routes
        return clients.computeIfAbsent(provider, p -> new ProviderClient(contexts.get(), p));
    }

    /** Closes the provider clients. */
    public void close() {
        clients.values().forEach(c -> {
            try {
                c.close();
            } catch (java.io.IOException e) {
                LOG.debug("closing a provider client: {}", e.getClass().getSimpleName());
            }
        });
        if (queue != null) {
            queue.stop();
        }
    }
}
