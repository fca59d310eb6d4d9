package org.safeharbor.fhir;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jms.JmsComponent;
import org.hl7.fhir.r4.model.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.fhir.replay.ReferralReplay;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.RawSubmission;
import org.safeharbor.store.StoredReferral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.core.JmsTemplate;

/**
 * Replays for operators: a referral again from its submission (today's mappings) or from a stored
 * output, queued through the core's queueing step (routes/ IntakeRoute), and the dead letters of a jurisdiction
 * moved back onto its queue. Each replay is recorded in the store before its message is queued, so the delivery
 * that carries it is linked to it.
 */
@Component(service = ReferralReplay.class, configurationPid = FhirEndpoint.PID,
        configurationPolicy = org.osgi.service.component.annotations.ConfigurationPolicy.OPTIONAL)
public class ReplayService implements ReferralReplay {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayService.class);

    private final MessageStore store;
    private final ProducerTemplate producer;
    private final ConnectionFactory connectionFactory;
    private final BundleParser parser;
    private final SubmissionReader reader;

    @Activate
    public ReplayService(@Reference CamelContext camel, @Reference MessageStore store, FhirEndpoint.Config config) {
        this(camel, store, camel.getComponent("amqp", JmsComponent.class).getConfiguration().getConnectionFactory(),
                config.snomedVictimOfHumanTrafficking());
    }

    ReplayService(CamelContext camel, MessageStore store, ConnectionFactory connectionFactory) {
        this(camel, store, connectionFactory, false);
    }

    /** @param snomedVictimOfHumanTrafficking the intake's setting of the same name: a replay reads as the intake does */
    ReplayService(CamelContext camel, MessageStore store, ConnectionFactory connectionFactory, boolean snomedVictimOfHumanTrafficking) {
        this.store = store;
        this.producer = camel.createProducerTemplate();
        this.connectionFactory = connectionFactory;
        FhirContext fhir = FhirContext.forR4Cached();
        this.parser = new BundleParser(fhir);
        this.reader = new SubmissionReader(AllegationMaps.load(fhir), Clock.systemUTC(), snomedVictimOfHumanTrafficking);
    }

    @Deactivate
    void deactivate() throws Exception {
        producer.close();
    }

    @Override
    public Queued replay(ReferralId referralId, Jurisdiction jurisdiction, Source source, Integer attempt, String requestedBy) {
        StoredReferral stored = store.find(referralId)
                .orElseThrow(() -> new IllegalArgumentException("no referral " + referralId + " in the message store"));
        Map<String, Object> headers = new java.util.HashMap<>();
        Referral referral;
        Integer sourceAttempt = null;
        if (source == Source.SUBMISSION) {
            referral = readAgain(stored);
        } else {
            sourceAttempt = attempt != null ? attempt : store.lastAttempt(referralId, jurisdiction);
            if (sourceAttempt == 0 || store.storedOutput(referralId, jurisdiction, sourceAttempt).isEmpty()) {
                throw new IllegalArgumentException("no stored output of " + (attempt == null ? "any attempt" : "attempt " + attempt)
                        + " of referral " + referralId + " for " + jurisdiction.code());
            }
            referral = stored.referral();
            headers.put(DeliveryContract.REPLAY_OUTPUT, sourceAttempt);
        }
        String replayId = store.recordReplay(referralId, jurisdiction, source.name().toLowerCase(java.util.Locale.ROOT), sourceAttempt, requestedBy);
        headers.put(DeliveryContract.REPLAY_ID, replayId);
        queue(referral, jurisdiction, headers);
        LOG.info("Replay {} of referral {} to {} from {} queued by {}", replayId, referralId, jurisdiction.code(), source, requestedBy);
        return new Queued(replayId, referralId, jurisdiction);
    }

    /** Puts the replay on the jurisdiction's queue through the core's queueing step ({@link DeliveryContract#QUEUE_ENDPOINT}). */
    private void queue(Referral referral, Jurisdiction jurisdiction, Map<String, Object> headers) {
        org.apache.camel.Exchange result = producer.send(DeliveryContract.QUEUE_ENDPOINT, org.apache.camel.ExchangePattern.InOnly, exchange -> {
            headers.forEach(exchange.getMessage()::setHeader);
            exchange.getMessage().setHeader(DeliveryContract.JURISDICTION, jurisdiction.code());
            exchange.getMessage().setBody(referral);
        });
        if (result.getException() != null) {
            throw new IllegalStateException("broker did not accept the replay for " + jurisdiction, result.getException());
        }
    }

    /** The original submission through today's mappings, keeping the referral's id and report time (its clocks). */
    private Referral readAgain(StoredReferral stored) {
        RawSubmission raw = store.rawSubmission(stored.referral().id()).orElseThrow();
        byte[] bytes = raw.body().getBytes(StandardCharsets.UTF_8);
        Bundle bundle = parser.parse(bytes, raw.mediaType());
        Referral fresh = reader.read(bundle, bundle.getType() == Bundle.BundleType.MESSAGE, bytes).referral();
        return stored.referral().readAgainAs(fresh);
    }

    @Override
    public List<DeadLetter> deadLetters(Jurisdiction jurisdiction) {
        JmsTemplate jms = new JmsTemplate(connectionFactory);
        return jms.browse(DeliveryContract.deadLetters(jurisdiction), (session, browser) -> {
            List<DeadLetter> letters = new ArrayList<>();
            java.util.Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                Message m = (Message) messages.nextElement();
                letters.add(new DeadLetter(m.getJMSMessageID(), referralIdOf(m), Instant.ofEpochMilli(m.getJMSTimestamp())));
            }
            return letters;
        });
    }

    @Override
    public List<Queued> replayDeadLetters(Jurisdiction jurisdiction, String requestedBy) {
        return replayDeadLetters(jurisdiction, requestedBy, Progress.NONE);
    }

    @Override
    public List<Queued> replayDeadLetters(Jurisdiction jurisdiction, String requestedBy, Progress progress) {
        JmsTemplate jms = new JmsTemplate(connectionFactory);
        jms.setSessionTransacted(true);
        List<Queued> moved = new ArrayList<>();
        jms.execute(session -> {
            Queue dlq = session.createQueue(DeliveryContract.deadLetters(jurisdiction));
            Queue target = session.createQueue(jurisdiction.queueName());
            // the total shown is what the queue held when the replay began (browsed, not taken)
            int total = 0;
            try (jakarta.jms.QueueBrowser browser = session.createBrowser(dlq)) {
                for (java.util.Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); e.nextElement()) {
                    total++;
                }
            }
            progress.moved(0, total);
            try (MessageConsumer consumer = session.createConsumer(dlq); MessageProducer producer = session.createProducer(target)) {
                Message m;
                while ((m = consumer.receive(1_000)) != null) {
                    String body = ((TextMessage) m).getText();
                    ReferralId referralId = referralIdOf(m) != null ? referralIdOf(m) : ReferralJson.INSTANCE.read(body).id();
                    String replayId = store.recordReplay(referralId, jurisdiction, "dead-letter", null, requestedBy);
                    TextMessage copy = session.createTextMessage(body);
                    copy.setStringProperty(DeliveryContract.REFERRAL_ID, referralId.value());
                    copy.setStringProperty(DeliveryContract.JURISDICTION, jurisdiction.code());
                    copy.setStringProperty(DeliveryContract.REPLAY_ID, replayId);
                    producer.send(copy, jakarta.jms.DeliveryMode.PERSISTENT, jakarta.jms.Message.DEFAULT_PRIORITY, 0);
                    // one transaction per message: taken from the DLQ and on the queue, or neither
                    session.commit();
                    moved.add(new Queued(replayId, referralId, jurisdiction));
                    // a message dead-lettered during the replay is moved too: the total grows rather than being passed
                    total = Math.max(total, moved.size());
                    progress.moved(moved.size(), total);
                }
            }
            return null;
        }, true);
        LOG.info("Replayed {} dead letters of {} (by {})", moved.size(), jurisdiction.code(), requestedBy);
        return moved;
    }

    private static ReferralId referralIdOf(Message m) throws jakarta.jms.JMSException {
        String id = m.getStringProperty(DeliveryContract.REFERRAL_ID);
        return id == null ? null : new ReferralId(id);
    }
}
