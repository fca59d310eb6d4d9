package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PendingNotice;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;

/** The notices' path on in-memory queues: attempts numbered and recorded, retries, dead letter, a copy sent once, the sweep. */
class NoticeRoutesTest {

    private static final Jurisdiction ZZ = Jurisdiction.of("US-ZZ");
    private static final ReferralId ID = new ReferralId("r-1");
    private static final NoticeRoutes.Queues QUEUES = new NoticeRoutes.Queues("direct:notices", "direct:notices", "seda:dlq", "direct:sweep");
    private static final Redelivery RETRY = new Redelivery(2, Duration.ofMillis(5), 1.0, Duration.ofMillis(5));

    private final Notices reporter = new Notices();
    private final List<Map<String, Object>> sent = new ArrayList<>();
    private final AtomicInteger answer = new AtomicInteger(200);
    private DefaultCamelContext camel;

    /** The kit's routes and a state's send route that records what it got and answers {@link #answer}. */
    private NoticeRoutes start(Clock clock) throws Exception {
        NoticeRoutes notices = new NoticeRoutes(ZZ, reporter, clock, QUEUES);
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                notices.configure(this, RETRY);
                from(NoticeRoutes.sendEndpoint(ZZ)).process(exchange -> {
                    sent.add(Map.copyOf(exchange.getMessage().getHeaders()));
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, answer.get());
                });
            }
        });
        camel.start();
        return notices;
    }

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
    }

    @Test
    void aDueNoticeIsRecordedQueuedAndSentWithTheContractsHeadersOnce() throws Exception {
        NoticeRoutes notices = start(Clock.systemUTC());
        StatusUpdate update = new StatusUpdate(ID, ZZ, DeliveryStatus.SCREENED_IN, "N-1", Instant.now(), null);

        assertTrue(notices.due(update, "district-attorney", "{\"n\":1}"));
        assertFalse(notices.due(update, "district-attorney", "{\"n\":1}"), "recorded once");

        assertEquals(1, sent.size());
        assertEquals("r-1", sent.get(0).get(DeliveryContract.STATE_REFERRAL_ID));
        assertEquals("1", sent.get(0).get(DeliveryContract.STATE_ATTEMPT));
        assertEquals("district-attorney", sent.get(0).get(NoticeRoutes.RECIPIENT));
        assertEquals("r-1/district-attorney", sent.get(0).get(DeliveryContract.MESSAGE_GROUP),
                "one message group per notice: its copies reach one consumer at a time, on any node");
        // a direct: queue sends at once, before queue() records it queued (on the broker the send comes later)
        assertEquals(List.of("attempt 1", "sent 1", "queued"), reporter.events);
        // the same queue message again (a redelivered copy): dropped, not sent twice
        camel.createProducerTemplate().sendBodyAndHeaders("direct:notices", "{\"n\":1}",
                Map.of(NoticeRoutes.REFERRAL_ID, "r-1", NoticeRoutes.RECIPIENT, "district-attorney"));
        assertEquals(1, sent.size());
    }

    @Test
    void aFailingRecipientIsRetriedEachAttemptRecordedThenTheNoticeIsDeadLetteredAndFailed() throws Exception {
        NoticeRoutes notices = start(Clock.systemUTC());
        answer.set(503);
        notices.due(new StatusUpdate(ID, ZZ, DeliveryStatus.SCREENED_IN, null, Instant.now(), null), "law-enforcement", "{}");

        assertEquals(List.of("1", "2", "3"), sent.stream().map(h -> (String) h.get(DeliveryContract.STATE_ATTEMPT)).toList());
        assertEquals(List.of("attempt 1", "failed 1 HTTP 503", "attempt 2", "failed 2 HTTP 503", "attempt 3",
                "failed 3 HTTP 503", "gave up: gave up after 3 attempts (HTTP 503); on the dead-letter queue referrals.US-ZZ.notices.DLQ",
                "queued"),
                reporter.events);
        assertEquals(List.of("{}"), camel.getEndpoint("seda:dlq", SedaEndpoint.class).getQueue().stream()
                .map(e -> e.getMessage().getBody(String.class)).toList());
    }

    @Test
    void theSweepQueuesANoticeRecordedButNeverQueued() throws Exception {
        start(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));
        reporter.recordNotice(ID, ZZ, "district-attorney", DeliveryStatus.SCREENED_IN, "{}");

        camel.createProducerTemplate().sendBody("direct:sweep", null);

        assertEquals(1, sent.size());
        assertEquals(List.of("attempt 1", "sent 1", "queued"), reporter.events);
    }

    @Test
    void aFailureIsItsClassOrHttpStatusNeverItsMessage() {
        assertEquals("HTTP 404", NoticeRoutes.failure(new org.apache.camel.http.base.HttpOperationFailedException("https://x", 404,
                null, null, null, "Jane Doe")));
        assertEquals("ConnectException", NoticeRoutes.failure(new java.net.ConnectException("Jane Doe")));
        assertEquals("amqp:queue:referrals.US-ZZ.notices", NoticeRoutes.Queues.onTheBroker(ZZ).producer());
        assertEquals("amqp:queue:referrals.US-ZZ.notices.DLQ", NoticeRoutes.Queues.onTheBroker(ZZ).deadLetters());
    }

    @Test
    void aPurposesNoticesTakeTheirOwnPathBesideTheStatesAndEachSweepQueuesOnlyItsOwn() throws Exception {
        NoticeRoutes.Queues coordinationQueues = new NoticeRoutes.Queues("direct:coordination", "direct:coordination", "seda:cdlq",
                "direct:coordination-sweep");
        NoticeRoutes state = new NoticeRoutes(ZZ, reporter, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)), QUEUES);
        NoticeRoutes coordination = NoticeRoutes.forPurpose(ZZ, "coordination", reporter, Clock.offset(Clock.systemUTC(),
                Duration.ofMinutes(2)), coordinationQueues);
        List<String> coordinationSent = new ArrayList<>();
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                state.configure(this, RETRY);
                coordination.configure(this, RETRY);
                from(NoticeRoutes.sendEndpoint(ZZ)).process(exchange -> sent.add(Map.copyOf(exchange.getMessage().getHeaders())));
                from(NoticeRoutes.sendEndpoint(ZZ, "coordination"))
                        .process(exchange -> coordinationSent.add(exchange.getMessage().getHeader(NoticeRoutes.RECIPIENT, String.class)));
            }
        });
        camel.start();
        assertEquals(List.of("US-ZZ-notices", "US-ZZ-notice-attempt", "US-ZZ-notice-sweep", "US-ZZ-coordination-notices",
                "US-ZZ-coordination-notice-attempt", "US-ZZ-coordination-notice-sweep"),
                camel.getRoutes().stream().map(org.apache.camel.Route::getRouteId).filter(id -> id.startsWith("US-")).toList());
        String team = NoticeRoutes.recipient("coordination", "ma-seen");
        assertEquals("coordination--ma-seen", team);
        reporter.recordNotice(ID, ZZ, "district-attorney", DeliveryStatus.SCREENED_IN, "{}");
        reporter.recordNotice(ID, ZZ, team, DeliveryStatus.SCREENED_IN, "{}");

        camel.createProducerTemplate().sendBody("direct:coordination-sweep", null);
        assertEquals(List.of(team), coordinationSent);
        assertEquals(List.of(), sent, "the coordination sweep leaves the state's notice alone");
        camel.createProducerTemplate().sendBody("direct:sweep", null);
        assertEquals(1, sent.size());
        assertEquals("district-attorney", sent.get(0).get(NoticeRoutes.RECIPIENT));
        assertEquals(List.of(team), coordinationSent, "the state's sweep leaves the coordination notice alone");

        assertThrows(IllegalArgumentException.class, () -> coordination.queue(new PendingNotice(ID, ZZ, "district-attorney", "{}")));
        assertThrows(IllegalArgumentException.class, () -> state.queue(new PendingNotice(ID, ZZ, team, "{}")));
        assertThrows(IllegalArgumentException.class, () -> NoticeRoutes.forPurpose(ZZ, "notices", reporter, Clock.systemUTC(), QUEUES));
        assertEquals("amqp:queue:referrals.US-ZZ.coordination.DLQ", NoticeRoutes.Queues.onTheBroker(ZZ, "coordination").deadLetters());
        assertTrue(NoticeRoutes.Queues.onTheBroker(ZZ, "coordination").sweep().startsWith("timer:safeharbor-US-ZZ-coordination-notice-sweep?"));
        assertTrue(NoticeRoutes.Queues.onTheBroker(ZZ).sweep().startsWith("timer:safeharbor-US-ZZ-notice-sweep?"), "unchanged");
    }

    /** The core's notice records, in memory: one notice per recipient, its events in order. */
    private static final class Notices implements StatusReporter {
        final List<String> events = new ArrayList<>();
        final Map<String, PendingNotice> recorded = new ConcurrentHashMap<>();
        final Map<String, Boolean> queued = new ConcurrentHashMap<>();
        final Map<String, Integer> attempts = new ConcurrentHashMap<>();
        final Map<String, Boolean> done = new ConcurrentHashMap<>();

        @Override
        public boolean recordNotice(ReferralId referralId, Jurisdiction jurisdiction, String recipient, DeliveryStatus trigger, String payload) {
            return recorded.putIfAbsent(recipient, new PendingNotice(referralId, jurisdiction, recipient, payload)) == null;
        }

        @Override
        public void noticeQueued(ReferralId referralId, Jurisdiction jurisdiction, String recipient) {
            queued.put(recipient, true);
            events.add("queued");
        }

        @Override
        public List<PendingNotice> unqueuedNotices(Jurisdiction jurisdiction, Instant recordedBefore, int limit) {
            return recorded.values().stream().filter(n -> !queued.containsKey(n.recipient())).toList();
        }

        @Override
        public int recordNoticeAttempt(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String payload) {
            if (done.containsKey(recipient)) {
                return 0;
            }
            int number = attempts.merge(recipient, 1, Integer::sum);
            events.add("attempt " + number);
            return number;
        }

        @Override
        public void recordNoticeAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt, String reason) {
            events.add("failed " + attempt + " " + reason);
        }

        @Override
        public void noticeSent(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt) {
            done.put(recipient, true);
            events.add("sent " + attempt);
        }

        @Override
        public void noticeFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String reason) {
            done.put(recipient, true);
            events.add("gave up: " + reason);
        }

        @Override
        public void report(StatusUpdate update) {
        }

        @Override
        public int recordAttempt(ReferralId referralId, Jurisdiction jurisdiction, String statePayload) {
            return 1;
        }

        @Override
        public void recordAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, int attempt, String reason) {
        }

        @Override
        public Optional<String> storedOutput(ReferralId referralId, Jurisdiction jurisdiction, int attempt) {
            return Optional.empty();
        }

        @Override
        public Optional<String> deliveredOutput(ReferralId referralId, Jurisdiction jurisdiction) {
            return Optional.empty();
        }
    }
}
