package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.component.stub.StubComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.StoreCipher;

/**
 * The intake's route (store once, split by jurisdiction, queue) on a fresh H2 message store, with Camel's stub
 * component standing for the broker (an in-memory queue per AMQP queue name): what reaches each queue, what the store
 * records, and that nothing accepted is lost when the broker fails or the process stops between store and queue.
 * The intake over HTTP through this route: {@code org.safeharbor.fhir.IntakeHttpTest}; with Artemis: IntakeIT, CrashIT.
 */
class IntakeRouteTest {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");
    private static final Jurisdiction MO = Jurisdiction.of("US-MO");
    private static final Duration OUTBOX_AGE = Duration.ofSeconds(10);

    private final DeadlineMonitorTest.MovableClock clock = new DeadlineMonitorTest.MovableClock();
    private final Set<Jurisdiction> installed = ConcurrentHashMap.newKeySet();
    /** While set, the broker refuses every message. */
    private final AtomicBoolean brokerDown = new AtomicBoolean();
    /** While set, the broker holds every message until the latch opens (a failover client during an outage). */
    private volatile CountDownLatch brokerAway;
    /** Sends the away broker held. */
    private final AtomicInteger held = new AtomicInteger();
    private MessageStore store;
    private QueueBody body;
    private DefaultCamelContext camel;
    private ProducerTemplate producer;

    @BeforeEach
    void start() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:intake-route-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(h2, clock);
        body = new QueueBody(new StoreCipher(store.keys()));
        camel = new DefaultCamelContext();
        camel.addComponent("amqp", new StubComponent());
        camel.addRoutes(new IntakeRoute(store, installed::contains, clock, Duration.ofDays(1), OUTBOX_AGE, body));
        AdviceWith.adviceWith(camel, IntakeRoute.QUEUE, route -> route.interceptSendToEndpoint("amqp:*").process(exchange -> {
            if (brokerDown.get()) {
                throw new IllegalStateException("broker unreachable");
            }
            CountDownLatch back = brokerAway;
            if (back != null) {
                // as Qpid JMS with a failover: URL holds a send while the broker is away, until it is back
                held.incrementAndGet();
                back.await();
            }
        }));
        camel.start();
        producer = camel.createProducerTemplate();
        installed.add(IL);
    }

    @AfterEach
    void stop() throws Exception {
        producer.close();
        camel.stop();
    }

    @Test
    void aSubmissionIsStoredThenQueuedOncePerJurisdictionAndAnsweredAsRecorded() {
        Referral referral = referral("r-1");
        Exchange result = intake("ehr|1", "a", referral, statuses(IL, DeliveryStatus.RECEIVED, MO, DeliveryStatus.RECEIVED));

        MessageStore.Accepted accepted = assertInstanceOf(MessageStore.Accepted.class, result.getMessage().getBody());
        assertTrue(accepted.created());
        assertEquals(Map.of(IL, DeliveryStatus.QUEUED, MO, DeliveryStatus.ON_HOLD), statuses(accepted),
                "US-MO has no bundle: held on its queue");
        assertEquals(Map.of(IL, DeliveryStatus.QUEUED, MO, DeliveryStatus.ON_HOLD),
                statuses(new MessageStore.Accepted(store.find(referral.id()).orElseThrow(), false)), "as the store has it");
        for (Jurisdiction j : List.of(IL, MO)) {
            Exchange message = queue(j).peek();
            assertNotNull(message, "on " + DeliveryContract.queue(j));
            assertEquals(1, queue(j).size());
            String sealed = message.getMessage().getBody(String.class);
            assertFalse(QueueBodyTest.showsPersonalData(sealed), "no name, birth date or address on the broker: " + sealed);
            assertEquals(referral, body.read(sealed, "r-1"), "and it opens back to the referral");
            assertEquals(Set.of(DeliveryContract.REFERRAL_ID, DeliveryContract.JURISDICTION, DeliveryContract.MESSAGE_GROUP),
                    message.getMessage().getHeaders().keySet(),
                    "the contract's queue headers and the message group, none of the submission's (its raw form stays in the store)");
            assertEquals(j.code(), message.getMessage().getHeader(DeliveryContract.JURISDICTION));
            assertEquals(j.code(), message.getMessage().getHeader(DeliveryContract.MESSAGE_GROUP),
                    "one consumer per node (the default): one group per state, so in order across nodes");
            assertEquals("r-1", message.getMessage().getHeader(DeliveryContract.REFERRAL_ID));
        }
    }

    @Test
    void aStateDeliveredInParallelGetsAGroupPerReferral() throws Exception {
        camel.getPropertiesComponent().addInitialProperty(JurisdictionPipeline.QUEUE_CONSUMERS + "." + MO.code(), "4");
        intake("ehr|groups", "a", referral("r-groups"), statuses(IL, DeliveryStatus.RECEIVED, MO, DeliveryStatus.RECEIVED));
        assertEquals("r-groups", queue(MO).peek().getMessage().getHeader(DeliveryContract.MESSAGE_GROUP),
                "queueConsumers.US-MO=4: in parallel, but a referral's copies go to one consumer at a time");
        assertEquals(IL.code(), queue(IL).peek().getMessage().getHeader(DeliveryContract.MESSAGE_GROUP), "the other states keep their order");
    }

    @Test
    void aJurisdictionNotSentIsRecordedAndNotQueued() {
        Exchange result = intake("ehr|2", "a", referral("r-2"), statuses(IL, DeliveryStatus.NOT_SENT, MO, DeliveryStatus.RECEIVED));
        assertNull(result.getException());
        assertEquals(0, queue(IL).size());
        assertEquals(1, queue(MO).size());
        assertEquals(DeliveryStatus.NOT_SENT, statuses(result.getMessage().getBody(MessageStore.Accepted.class)).get(IL));
    }

    @Test
    void theSameSubmissionTwiceIsStoredOnceAndQueuedOnce() {
        intake("ehr|3", "a", referral("r-3"), statuses(IL, DeliveryStatus.RECEIVED));
        Exchange again = intake("ehr|3", "a", referral("r-3-resent"), statuses(IL, DeliveryStatus.RECEIVED));

        MessageStore.Accepted accepted = again.getMessage().getBody(MessageStore.Accepted.class);
        assertEquals(false, accepted.created());
        assertEquals(new ReferralId("r-3"), accepted.stored().referral().id(), "the referral stored the first time");
        assertTrue(store.find(new ReferralId("r-3-resent")).isEmpty());
        assertEquals(1, queue(IL).size());
    }

    @Test
    void theSameKeyWithOtherContentFailsWithTheStoresConflictAndQueuesNothing() {
        intake("ehr|4", "a", referral("r-4"), statuses(IL, DeliveryStatus.RECEIVED));
        queue(IL).clear();
        Referral other = new Referral(new ReferralId("r-4b"), referral("r-4").child(), null, null, clock.now, null,
                List.of(Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED)));
        Exchange result = intake("ehr|4", "b", other, statuses(IL, DeliveryStatus.RECEIVED));
        assertInstanceOf(MessageStore.SubmissionConflict.class, result.getException());
        assertEquals(0, queue(IL).size());
    }

    @Test
    void whenTheBrokerFailsTheIntakeFailsAndTheResendQueuesWhatWasStored() {
        brokerDown.set(true);
        Exchange failed = intake("ehr|5", "a", referral("r-5"), statuses(IL, DeliveryStatus.RECEIVED));
        assertNotNull(failed.getException(), "no answer, so no 202: the hospital resends");
        assertEquals(DeliveryStatus.RECEIVED, store.find(new ReferralId("r-5")).orElseThrow().deliveries().get(0).status(), "stored");

        brokerDown.set(false);
        Exchange resent = intake("ehr|5", "a", referral("r-5"), statuses(IL, DeliveryStatus.RECEIVED));
        assertNull(resent.getException());
        assertEquals(DeliveryStatus.QUEUED, statuses(resent.getMessage().getBody(MessageStore.Accepted.class)).get(IL));
        assertEquals(1, queue(IL).size(), "queued by the resend, stored once");
    }

    /** Moved from the fhir bundle's OutboxTest with the outbox itself. */
    @Test
    void aReferralStoredButNeverQueuedIsQueuedByTheSweepAndOnlyOnce() {
        // what the intake had done when the process died: stored, not queued
        Referral referral = referral("r-crash");
        store.accept("ehr|crash-1", referral, true, "{}", "application/fhir+json", Map.of(IL, DeliveryStatus.RECEIVED));

        assertEquals(0, sweep(), "too recent: the intake may still be queueing it");
        clock.now = clock.now.plus(OUTBOX_AGE).plusSeconds(1);
        assertEquals(1, sweep());

        assertEquals(List.of("r-crash"), queue(IL).stream()
                .map(e -> e.getMessage().getHeader(DeliveryContract.REFERRAL_ID, String.class)).toList());
        assertEquals(DeliveryStatus.QUEUED, store.find(referral.id()).orElseThrow().deliveries().get(0).status());
        assertEquals(0, sweep(), "queued once");
    }

    @Test
    void aSweepWhileTheBrokerIsDownLeavesTheReferralForTheNextSweep() {
        store.accept("ehr|crash-2", referral("r-crash-2"), true, "{}", "application/fhir+json", Map.of(IL, DeliveryStatus.RECEIVED));
        clock.now = clock.now.plus(OUTBOX_AGE).plusSeconds(1);
        brokerDown.set(true);
        Exchange failed = producer.send(IntakeRoute.OUTBOX_SWEEP, exchange -> { });
        assertNotNull(failed.getException());
        assertEquals(DeliveryStatus.RECEIVED, store.find(new ReferralId("r-crash-2")).orElseThrow().deliveries().get(0).status());

        brokerDown.set(false);
        assertEquals(1, sweep());
        assertEquals(1, queue(IL).size());
    }

    /**
     * Issue 20: during a broker outage the intake's send is held (a failover client waits for the broker) for longer
     * than the outbox age; the sweep took the delivery, still RECEIVED, for one a stopped process left behind, logged
     * so, and put a second copy on the queue when the broker came back. It must leave an attempt in flight alone.
     */
    @Test
    void aSweepDuringABrokerOutageLeavesADeliveryWhoseQueueingIsInFlightAndOneCopyIsQueued() throws Exception {
        brokerAway = new CountDownLatch(1);
        CompletableFuture<Exchange> intake = CompletableFuture.supplyAsync(
                () -> intake("ehr|held", "a", referral("r-held"), statuses(IL, DeliveryStatus.RECEIVED)));
        awaitHeld(1);
        assertEquals(DeliveryStatus.RECEIVED, store.find(new ReferralId("r-held")).orElseThrow().deliveries().get(0).status());
        clock.now = clock.now.plus(OUTBOX_AGE).plusSeconds(1);

        CompletableFuture<Exchange> sweep = CompletableFuture.supplyAsync(() -> producer.send(IntakeRoute.OUTBOX_SWEEP, exchange -> { }));
        Exchange swept = null;
        try {
            swept = sweep.get(3, TimeUnit.SECONDS);
        } catch (TimeoutException heldToo) {
            // the sweep is queueing it too, held by the same outage: it will be a second copy
        } finally {
            brokerAway.countDown(); // the broker is back
        }
        assertNull(intake.get(10, TimeUnit.SECONDS).getException(), "the intake's own attempt completes");
        swept = swept != null ? swept : sweep.get(10, TimeUnit.SECONDS);
        assertEquals(1, queue(IL).size(), "one copy on the queue, not a second one from the sweep");
        assertNull(swept.getException());
        assertEquals(0, swept.getMessage().getHeader(IntakeRoute.OUTBOX_FOUND, Integer.class), "nothing swept");
        assertEquals(1, swept.getMessage().getHeader(IntakeRoute.OUTBOX_IN_FLIGHT, Integer.class), "left to the intake in flight");
        assertEquals(DeliveryStatus.QUEUED, store.find(new ReferralId("r-held")).orElseThrow().deliveries().get(0).status());
        assertEquals(0, sweep(), "and nothing left for a later sweep");
    }

    @Test
    void aDeliveryWhoseQueueingFailedIsQueuedByTheSweepAfterTheAgeAndSaidSo() {
        brokerDown.set(true);
        assertNotNull(intake("ehr|failed", "a", referral("r-failed"), statuses(IL, DeliveryStatus.RECEIVED)).getException());
        brokerDown.set(false);
        assertEquals(0, sweep(), "younger than the outbox age");
        clock.now = clock.now.plus(OUTBOX_AGE).plusSeconds(1);

        Exchange swept = producer.send(IntakeRoute.OUTBOX_SWEEP, exchange -> { });
        assertNull(swept.getException());
        assertEquals(1, swept.getMessage().getHeader(IntakeRoute.OUTBOX_FOUND, Integer.class));
        assertEquals(1, swept.getMessage().getHeader(IntakeRoute.OUTBOX_FAILED, Integer.class), "its queueing had failed here");
        assertEquals("IllegalStateException", swept.getMessage().getHeader(IntakeRoute.OUTBOX_FAILED + "Reasons"),
                "named by the failure's type, never its message");
        assertEquals(1, queue(IL).size());
        assertEquals(DeliveryStatus.QUEUED, store.find(new ReferralId("r-failed")).orElseThrow().deliveries().get(0).status());
    }

    private void awaitHeld(int sends) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (held.get() < sends) {
            assertTrue(System.nanoTime() < deadline, "the send reached the broker");
            Thread.sleep(10);
        }
    }

    @Test
    void aReplayIsQueuedWithItsHeaders() {
        intake("ehr|6", "a", referral("r-6"), statuses(IL, DeliveryStatus.RECEIVED));
        queue(IL).clear();

        Exchange result = producer.send(DeliveryContract.QUEUE_ENDPOINT, ExchangePattern.InOnly, exchange -> {
            exchange.getMessage().setBody(referral("r-6"));
            exchange.getMessage().setHeader(DeliveryContract.JURISDICTION, IL.code());
            exchange.getMessage().setHeader(DeliveryContract.REPLAY_ID, "replay-1");
        });
        assertNull(result.getException());
        Exchange message = queue(IL).peek();
        assertNotNull(message);
        assertEquals("replay-1", message.getMessage().getHeader(DeliveryContract.REPLAY_ID));
        assertEquals("r-6", message.getMessage().getHeader(DeliveryContract.REFERRAL_ID));
        assertEquals(referral("r-6"), body.read(message.getMessage().getBody(String.class), "r-6"));
    }

    private int sweep() {
        Exchange result = producer.send(IntakeRoute.OUTBOX_SWEEP, exchange -> { });
        assertNull(result.getException());
        return result.getMessage().getHeader(IntakeRoute.OUTBOX_FOUND, Integer.class);
    }

    /** As the FHIR intake hands a submission over, its raw form a stand-in that differs with {@code raw}. */
    private Exchange intake(String key, String raw, Referral referral, Map<Jurisdiction, DeliveryStatus> statuses) {
        return producer.send(DeliveryContract.INTAKE_ENDPOINT, ExchangePattern.InOut, exchange -> {
            exchange.getMessage().setBody(referral);
            exchange.getMessage().setHeader(DeliveryContract.SUBMITTED_BY, "ehr");
            exchange.getMessage().setHeader(DeliveryContract.SUBMISSION_KEY, key);
            exchange.getMessage().setHeader(DeliveryContract.SUBMISSION_ACTIONABLE, true);
            exchange.getMessage().setHeader(DeliveryContract.SUBMISSION_RAW, "{\"resourceType\":\"Bundle\",\"id\":\"" + raw + "\"}");
            exchange.getMessage().setHeader(DeliveryContract.SUBMISSION_MEDIA_TYPE, "application/fhir+json");
            exchange.getMessage().setHeader(DeliveryContract.SUBMISSION_STATUS, statuses);
            exchange.getMessage().setHeader(DeliveryContract.SUBMISSION_REASON, Map.of());
        });
    }

    private BlockingQueue<Exchange> queue(Jurisdiction j) {
        return camel.getEndpoint("amqp:queue:" + DeliveryContract.queue(j), SedaEndpoint.class).getQueue();
    }

    private static Map<Jurisdiction, DeliveryStatus> statuses(Object... pairs) {
        Map<Jurisdiction, DeliveryStatus> statuses = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            statuses.put((Jurisdiction) pairs[i], (DeliveryStatus) pairs[i + 1]);
        }
        return statuses;
    }

    private static Map<Jurisdiction, DeliveryStatus> statuses(MessageStore.Accepted accepted) {
        Map<Jurisdiction, DeliveryStatus> statuses = new LinkedHashMap<>();
        accepted.stored().deliveries().forEach(d -> statuses.put(d.jurisdiction(), d.status()));
        return statuses;
    }

    /** {@link QueueBodyTest}'s sample, received now. */
    private Referral referral(String id) {
        Referral sample = QueueBodyTest.referral(id);
        return new Referral(sample.id(), sample.child(), null, null, clock.now, null, sample.allegations());
    }
}
