package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.component.stub.StubComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.StateAnswer;
import org.safeharbor.jurisdiction.support.v1.StateRejectedException;
import org.safeharbor.jurisdiction.support.v1.StateTransport;

/**
 * The delivery path the core builds for every jurisdiction, with a fake state whose transport can succeed,
 * fail for a passing reason or refuse the report. The broker is stubbed (amqp -> in-memory queues): the
 * Pax Exam tests run the same routes against the real one.
 */
class JurisdictionPipelineTest {

    private static final Jurisdiction ZZ = Jurisdiction.of("US-ZZ");

    /** What the fake state does with each attempt. */
    enum Behaviour { ACCEPT, DOWN, REFUSE }

    static class FakeState implements JurisdictionAdapter, StateTransport {
        final List<StatusUpdate> reported = new CopyOnWriteArrayList<>();
        final AtomicInteger attempts = new AtomicInteger();
        /** The headers each attempt reached the state with: referral id and attempt number. */
        final List<String> headersSeen = new CopyOnWriteArrayList<>();
        final List<String> payloadsSeen = new CopyOnWriteArrayList<>();
        final AttemptLog log = new AttemptLog(reported::add);
        volatile Behaviour behaviour = Behaviour.ACCEPT;
        volatile int failuresBeforeSuccess = 0;
        /** When set, each attempt waits until this many attempts are at the state at once. */
        volatile java.util.concurrent.CountDownLatch atOnce;

        @Override public Redelivery redelivery() { return new Redelivery(3, Duration.ofMillis(10), 2.0, Duration.ofMillis(40)); }

        /** The pipeline the core builds for this state: on the broker's queues (stubbed), or on test ones. */
        JurisdictionPipeline pipeline(JurisdictionPipeline.Queues queues) {
            return new JurisdictionPipeline(this, this, log, java.time.Clock.systemUTC(), queues);
        }

        @Override
        public void configure(org.apache.camel.builder.RouteBuilder routes, String from) {
            routes.from(from).routeId("US-ZZ-deliver").process(exchange -> {
                int attempt = attempts.incrementAndGet();
                headersSeen.add(exchange.getMessage().getHeader(DeliveryContract.STATE_REFERRAL_ID) + "#"
                        + exchange.getMessage().getHeader(DeliveryContract.STATE_ATTEMPT));
                payloadsSeen.add(exchange.getMessage().getBody(String.class));
                exchange.getMessage().setBody("what the transport left behind");
                if (atOnce != null) {
                    atOnce.countDown();
                    if (!atOnce.await(2, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new IOException("no other delivery in flight");
                    }
                }
                switch (behaviour) {
                    case DOWN -> {
                        if (attempt <= failuresBeforeSuccess || failuresBeforeSuccess < 0) {
                            throw new IOException("connection refused");
                        }
                    }
                    case REFUSE -> throw new StateRejectedException("schema: element Allegation is missing");
                    default -> { }
                }
            }).process(StateAnswer.acknowledged(routes.constant("ZZ-1")));
        }

        public Jurisdiction jurisdiction() { return ZZ; }
        public String displayName() { return "fake state"; }
        public List<DeadlineRule> deadlineRules() { return List.of(); }
        public StateFormat format() {
            return new StateFormat() {
                public String mediaType() { return "text/plain"; }
                public Optional<String> write(Referral r) {
                    return r.hasReportableAllegation() ? Optional.of("report " + r.id()) : Optional.empty();
                }
                public Referral read(String payload) { throw new UnsupportedOperationException(); }
                public Set<ReferralField> disclosedFields() { return EnumSet.of(ReferralField.REFERRAL_ID); }
                public Map<AllegationType, String> unsupportedTypes() { return Map.of(); }
                public Optional<String> atRiskRule() { return Optional.empty(); }
            };
        }
    }

    private DefaultCamelContext camel;
    private FakeState state;

    @BeforeEach
    void start() throws Exception {
        state = new FakeState();
        camel = started(state, null);
    }

    /**
     * A CamelContext running the state's pipeline on the stubbed broker, with the core's meter registry bound as
     * CamelRuntime binds it (none: nothing counted).
     */
    static DefaultCamelContext started(FakeState state, Object meters) throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.addComponent("amqp", new StubComponent());
        // as the core does (on the message store there, in memory here)
        camel.getRegistry().bind(JurisdictionPipeline.DELIVERED_REPOSITORY,
                org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository.memoryIdempotentRepository());
        if (meters != null) {
            camel.getRegistry().bind(org.apache.camel.component.micrometer.MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }
        camel.addRoutes(state.pipeline(new JurisdictionPipeline.Queues("direct:queue", "amqp:queue:referrals.US-ZZ.DLQ",
                "amqp:queue:referrals.US-ZZ.quarantine")));
        camel.start();
        return camel;
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private static String referral(String id, Certainty certainty) {
        Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "ZZ", null, "US"));
        return ReferralJson.INSTANCE.write(new Referral(new ReferralId(id), child, null, null, Instant.parse("2026-11-21T10:00:00Z"),
                null, List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, certainty))));
    }

    private List<String> queue(String name) {
        return camel.getEndpoint("amqp:queue:" + name, SedaEndpoint.class).getQueue().stream()
                .map(e -> e.getMessage().getBody(String.class)).toList();
    }

    private List<DeliveryStatus> statuses() {
        return state.reported.stream().map(StatusUpdate::status).toList();
    }

    @Test
    void deliveredReferralIsReportedWithTheStatesNumber() {
        camel.createProducerTemplate().sendBody("direct:queue", referral("r-1", Certainty.SUSPECTED));
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED), statuses());
        assertEquals("ZZ-1", state.reported.get(0).stateIntakeNumber());
        assertEquals(1, state.attempts.get());
    }

    @Test
    void passingFailureIsRetriedWithBackoffAndThenDelivered() {
        state.behaviour = Behaviour.DOWN;
        state.failuresBeforeSuccess = 2;
        camel.createProducerTemplate().sendBody("direct:queue", referral("r-2", Certainty.SUSPECTED));
        assertEquals(3, state.attempts.get(), "two failures, then success");
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED), statuses());
        assertTrue(queue("referrals.US-ZZ.DLQ").isEmpty());
    }

    /** The intake seals each queue message (README "Audit and privacy"): the pipeline opens it; what it cannot open is not delivered. */
    @Test
    void aSealedMessageIsDeliveredItsDeadLetterStaysSealedAndABodyMovedToAnotherReferralIsNotDelivered() throws Exception {
        camel.stop();
        QueueBody sealing = new QueueBody(new org.safeharbor.store.StoreCipher(org.safeharbor.store.StoreKeys.inMemory()));
        camel = new DefaultCamelContext();
        camel.addComponent("amqp", new StubComponent());
        camel.addRoutes(new JurisdictionPipeline(state, state, state.log, java.time.Clock.systemUTC(), new JurisdictionPipeline.Queues(
                "direct:queue", "amqp:queue:referrals.US-ZZ.DLQ", "amqp:queue:referrals.US-ZZ.quarantine"), sealing));
        camel.start();
        org.apache.camel.ProducerTemplate producer = camel.createProducerTemplate();
        Referral r1 = ReferralJson.INSTANCE.read(referral("r-s1", Certainty.SUSPECTED));

        producer.sendBodyAndHeader("direct:queue", sealing.write(r1), DeliveryContract.REFERRAL_ID, "r-s1");
        assertEquals(List.of("report r-s1"), state.payloadsSeen);
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED), statuses());

        // r-s1's body under another referral's id: it does not open, is never delivered, and waits on the DLQ as it came
        String moved = sealing.write(r1);
        producer.sendBodyAndHeader("direct:queue", moved, DeliveryContract.REFERRAL_ID, "r-s2");
        assertEquals(1, state.attempts.get(), "not delivered");
        assertEquals(List.of(moved), queue("referrals.US-ZZ.DLQ"));

        state.behaviour = Behaviour.DOWN;
        state.failuresBeforeSuccess = -1;
        String sealed = sealing.write(ReferralJson.INSTANCE.read(referral("r-s3", Certainty.CONFIRMED)));
        producer.sendBodyAndHeader("direct:queue", sealed, DeliveryContract.REFERRAL_ID, "r-s3");
        assertEquals(List.of(moved, sealed), queue("referrals.US-ZZ.DLQ"), "the dead letter is the sealed message");
        assertEquals(DeliveryStatus.FAILED, state.reported.get(state.reported.size() - 1).status(), "and reported FAILED");
    }

    @Test
    void afterTheLastRetryTheOriginalReferralGoesToTheDeadLetterQueue() {
        state.behaviour = Behaviour.DOWN;
        state.failuresBeforeSuccess = -1;
        String original = referral("r-3", Certainty.CONFIRMED);
        camel.createProducerTemplate().sendBody("direct:queue", original);
        assertEquals(4, state.attempts.get(), "the first attempt and three retries");
        assertEquals(List.of(original), queue("referrals.US-ZZ.DLQ"), "the canonical referral, not the state payload");
        assertEquals(List.of(DeliveryStatus.FAILED), statuses());
        assertTrue(state.reported.get(0).reason().contains("4 attempts"), state.reported.get(0).reason());
    }

    @Test
    void reportTheStateRefusesGoesToQuarantineAtOnceWithTheStatesReason() {
        state.behaviour = Behaviour.REFUSE;
        String original = referral("r-4", Certainty.SUSPECTED);
        camel.createProducerTemplate().sendBody("direct:queue", original);
        assertEquals(1, state.attempts.get(), "no retry: it would only be refused again");
        assertEquals(List.of(original), queue("referrals.US-ZZ.quarantine"));
        assertTrue(queue("referrals.US-ZZ.DLQ").isEmpty());
        assertEquals(List.of(DeliveryStatus.REJECTED), statuses());
        assertTrue(state.reported.get(0).reason().contains("element Allegation is missing"));
    }

    @Test
    void referralWithNothingForTheStateIsReportedNotSentAndNotDelivered() {
        camel.createProducerTemplate().sendBody("direct:queue", referral("r-5", Certainty.AT_RISK));
        assertEquals(0, state.attempts.get());
        assertEquals(List.of(DeliveryStatus.NOT_SENT), statuses());
    }

    @Test
    void everyAttemptCarriesTheReferralIdAndAGrowingAttemptNumberAndIsRecordedWithItsPayload() {
        state.behaviour = Behaviour.DOWN;
        state.failuresBeforeSuccess = 2;
        camel.createProducerTemplate().sendBody("direct:queue", referral("r-6", Certainty.SUSPECTED));
        assertEquals(List.of("r-6#1", "r-6#2", "r-6#3"), state.headersSeen);
        assertEquals(List.of("report r-6", "report r-6", "report r-6"), state.payloadsSeen, "the same payload on every retry");
        List<AttemptLog.Attempt> recorded = state.log.attempts(new ReferralId("r-6"), ZZ);
        assertEquals(3, recorded.size());
        assertTrue(recorded.get(0).failure().contains("IOException"), recorded.get(0).failure());
        assertEquals(null, recorded.get(2).failure());
    }

    @Test
    void theSameQueueMessageTwiceIsDeliveredOnce() {
        String original = referral("r-7", Certainty.SUSPECTED);
        camel.createProducerTemplate().sendBody("direct:queue", original);
        camel.createProducerTemplate().sendBody("direct:queue", original);
        assertEquals(1, state.attempts.get());
        assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED), statuses());
    }

    @Test
    void aReplayIsDeliveredAgainAsANewAttemptAndCanResendAStoredOutputAsItWas() {
        String original = referral("r-8", Certainty.SUSPECTED);
        camel.createProducerTemplate().sendBody("direct:queue", original);
        // the stored output of attempt 1, changed here so the test sees it was not formatted again
        state.log.recordAttempt(new ReferralId("r-8"), ZZ, "stored output of an older mapping");
        camel.createProducerTemplate().sendBodyAndHeaders("direct:queue", original,
                Map.of(DeliveryContract.REPLAY_ID, "replay-1", DeliveryContract.REPLAY_OUTPUT, 2));
        camel.createProducerTemplate().sendBodyAndHeaders("direct:queue", original, Map.of(DeliveryContract.REPLAY_ID, "replay-2"));
        assertEquals(List.of("r-8#1", "r-8#3", "r-8#4"), state.headersSeen);
        assertEquals(List.of("report r-8", "stored output of an older mapping", "report r-8"), state.payloadsSeen);
    }

    @Test
    void aQueueWithSeveralConsumersDeliversInParallel() throws Exception {
        DefaultCamelContext parallel = new DefaultCamelContext();
        parallel.addComponent("amqp", new StubComponent());
        // as the core does from etc/org.safeharbor.broker.cfg queueConsumers
        parallel.getPropertiesComponent().addInitialProperty(JurisdictionPipeline.QUEUE_CONSUMERS, "2");
        FakeState twoAtOnce = new FakeState();
        twoAtOnce.atOnce = new java.util.concurrent.CountDownLatch(2);
        parallel.addRoutes(twoAtOnce.pipeline(JurisdictionPipeline.Queues.onTheBroker(ZZ)));
        parallel.start();
        try {
            org.apache.camel.ProducerTemplate producer = parallel.createProducerTemplate();
            producer.sendBody("amqp:queue:referrals.US-ZZ", referral("r-p1", Certainty.SUSPECTED));
            producer.sendBody("amqp:queue:referrals.US-ZZ", referral("r-p2", Certainty.SUSPECTED));
            for (int i = 0; i < 100 && twoAtOnce.reported.size() < 2; i++) {
                Thread.sleep(50);
            }
            assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.ACKNOWLEDGED),
                    twoAtOnce.reported.stream().map(StatusUpdate::status).toList());
            assertEquals(2, twoAtOnce.attempts.get(), "both were at the state at once, each on its first attempt");
        } finally {
            parallel.stop();
        }
    }

    @Test
    void aBatchingStateRunsOnTheLeaseNodeAnInOrderStateReadsItsQueueUnderItsOwnLease() throws Exception {
        FakeState batching = new FakeState() {
            @Override
            public void configure(org.apache.camel.builder.RouteBuilder routes, String from) {
                super.configure(routes, from);
                // as Florida's batch: collected in the shared database on a timer
                routes.from("timer:batch?period=60000").routeId("US-ZZ-batch").routeGroup(DeliveryContract.SINGLETON_ROUTES).log("batch");
            }
        };
        JurisdictionPipeline pipeline = batching.pipeline(JurisdictionPipeline.Queues.inMemory());
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.addRoutes(pipeline);
            assertEquals(Set.of(DeliveryContract.SINGLETON_ROUTES), pipeline.getRouteCollection().getRoutes().stream()
                    .map(org.apache.camel.model.RouteDefinition::getGroup).collect(java.util.stream.Collectors.toSet()),
                    "receive, attempt, deliver and the batch: one node at a time");
        }
        JurisdictionPipeline inOrder = new FakeState().pipeline(JurisdictionPipeline.Queues.inMemory());
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.addRoutes(inOrder);
            Map<String, String> groups = new java.util.TreeMap<>();
            inOrder.getRouteCollection().getRoutes().forEach(route -> groups.put(route.getRouteId(), String.valueOf(route.getGroup())));
            assertEquals(Map.of("US-ZZ-receive", "safeharbor-in-order-US-ZZ", "US-ZZ-attempt", "null", "US-ZZ-deliver", "null"), groups,
                    "a state delivered in order (one consumer per node) reads its queue on one node at a time, under its own lease");
        }
        JurisdictionPipeline parallel = new FakeState().pipeline(JurisdictionPipeline.Queues.inMemory());
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().addInitialProperty(JurisdictionPipeline.QUEUE_CONSUMERS + ".US-ZZ", "4");
            context.addRoutes(parallel);
            assertTrue(parallel.getRouteCollection().getRoutes().stream().allMatch(route -> route.getGroup() == null),
                    "a state delivered in parallel (queueConsumers.US-ZZ=4) is read on every node");
        }
    }

    @Test
    void aQueueHasOneConsumerUnlessConfigured() {
        assertTrue(JurisdictionPipeline.Queues.onTheBroker(ZZ).queue().endsWith("&concurrentConsumers={{" + JurisdictionPipeline.QUEUE_CONSUMERS + ":1}}"));
        assertTrue(JurisdictionPipeline.Queues.onTheBroker(ZZ, 4).queue().endsWith("&concurrentConsumers=4"), "a state's own number");
    }
}
