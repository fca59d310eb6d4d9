package org.safeharbor.routes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.store.AuditEntry;
import org.safeharbor.store.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nothing personal lives for ever on the broker: at each retention interval, the messages that have waited on a
 * dead-letter or quarantine queue longer than {@code deadLetterExpiry} (PID {@code org.safeharbor.retention}) are taken
 * off it into the message store's records ({@link MessageStore#recordExpired}). The store already holds each
 * referral (encrypted), so a dead letter stays listed by {@code harbor:dead-letters} and replayable by
 * {@code harbor:replay --dead-letters}; the broker's copy is only deleted. Each message is recorded first and taken off
 * in its own broker transaction, so a crash between the two leaves it on the queue to be recorded again (once: keyed by
 * its message id). A message whose referral the store no longer holds (retention deleted it) is taken off and counted.
 * The messages are picked by a JMS selector on their timestamp, so the broker needs no configuration of its own
 * (the embedded one and an external cluster alike); a sweep is recorded in the audit trail, counts only.
 */
@Component(immediate = true, configurationPid = Retention.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class QueueExpiry {

    static final String ROUTE_ID = "safeharbor-queue-expiry";
    private static final Logger LOG = LoggerFactory.getLogger(QueueExpiry.class);
    /** How long the broker may take to hand over the next old message before the queue counts as swept. */
    static final long RECEIVE_MILLIS = 2_000;

    /** What a sweep did: messages recorded in the store and taken off the broker, and those taken off with nothing to keep. */
    record Swept(int recorded, int dropped) {
    }

    private final ConnectionFactory connections;
    private final Supplier<List<BrokerQueues.Parked>> queues;
    private final MessageStore store;
    private final Duration expiry;
    private final Clock clock;
    private CamelContext camel;

    @Activate
    public QueueExpiry(@Reference CamelContext camel, @Reference Broker broker, @Reference MessageStore store, Retention.Config config)
            throws Exception {
        this(broker.listenerConnectionFactory(), new BrokerQueues(broker.connectionFactory(), 10_000)::parked, store,
                Retention.duration("deadLetterExpiry", config.deadLetterExpiry()), Clock.systemUTC());
        long period = Retention.duration("interval", config.interval()).toMillis();
        this.camel = camel;
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:" + ROUTE_ID + "?delay=60000&period=" + period).routeId(ROUTE_ID)
                        .routeGroup(DeliveryContract.SINGLETON_ROUTES).process(exchange -> sweepLogged());
            }
        });
        LOG.info("Dead letters and quarantined referrals leave the broker for the message store after {}", expiry);
    }

    /**
     * @param connections a plain (not caching) factory: each sweep opens its own connection and closes it, so no
     *                    consumer of it outlives the sweep holding messages it prefetched
     */
    QueueExpiry(ConnectionFactory connections, Supplier<List<BrokerQueues.Parked>> queues, MessageStore store, Duration expiry, Clock clock) {
        this.connections = connections;
        this.queues = queues;
        this.store = store;
        this.expiry = expiry;
        this.clock = clock;
    }

    @Deactivate
    void deactivate() throws Exception {
        if (camel != null) {
            camel.getRouteController().stopRoute(ROUTE_ID);
            camel.removeRoute(ROUTE_ID);
        }
    }

    /** One sweep of every dead-letter and quarantine queue. */
    synchronized Swept sweep() throws JMSException {
        Instant before = clock.instant().minus(expiry);
        int recorded = 0;
        int dropped = 0;
        for (BrokerQueues.Parked queue : queues.get()) {
            Swept swept = sweep(queue, before);
            recorded += swept.recorded();
            dropped += swept.dropped();
        }
        if (recorded + dropped > 0) {
            store.audit(AuditEntry.of(AuditEntry.Kind.QUEUE_EXPIRY, AuditEntry.Actor.adapter()).object("dead-letter-and-quarantine-queues")
                    .detail("recorded-in-store", recorded).detail("dropped-no-referral-stored", dropped)
                    .detail("dead-letter-expiry", expiry).build());
            LOG.info("Queue expiry: {} message(s) past {} taken off the dead-letter and quarantine queues into the message store, {} without"
                    + " a stored referral dropped", recorded, expiry, dropped);
        }
        return new Swept(recorded, dropped);
    }

    private Swept sweep(BrokerQueues.Parked queue, Instant before) throws JMSException {
        Jurisdiction jurisdiction = Jurisdiction.of(queue.jurisdiction());
        int recorded = 0;
        int dropped = 0;
        try (Connection connection = connections.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            connection.start();
            try (MessageConsumer old = session.createConsumer(session.createQueue(queue.queue()), "JMSTimestamp < " + before.toEpochMilli())) {
                Message message;
                while ((message = old.receive(RECEIVE_MILLIS)) != null) {
                    String id = message.getStringProperty(DeliveryContract.REFERRAL_ID);
                    boolean kept = id != null && store.recordExpired(message.getJMSMessageID(), new ReferralId(id), jurisdiction, queue.queue(),
                            Instant.ofEpochMilli(message.getJMSTimestamp()));
                    // recorded first, then off the broker: a crash between leaves it to be recorded again
                    session.commit();
                    if (kept) {
                        recorded++;
                    } else {
                        dropped++;
                    }
                }
            }
        }
        return new Swept(recorded, dropped);
    }

    private void sweepLogged() {
        try {
            sweep();
        } catch (Exception e) {
            LOG.warn("Queue expiry sweep failed ({}); retried at the next interval", e.getClass().getSimpleName());
        }
    }
}
