package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
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
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.store.DeadlineAlert;
import org.safeharbor.store.MessageStore;

/** The statutory clocks, with a clock the test moves by hand. */
class DeadlineMonitorTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-21T08:00:00Z");
    private static final Jurisdiction ZZ = Jurisdiction.of("US-ZZ");

    /** A clock the test sets. */
    static final class MovableClock extends Clock {
        Instant now = RECEIVED;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /**
     * A state with a 10-hour delivery deadline (ours), a 4-hour clock of its own to decide (from its
     * acknowledgement) and a reporter's duty (never watched).
     */
    static final class TenHourState implements JurisdictionAdapter {
        public Jurisdiction jurisdiction() { return ZZ; }
        public String displayName() { return "ten-hour state"; }
        public StateFormat format() { throw new UnsupportedOperationException(); }
        public List<DeadlineRule> deadlineRules() {
            return List.of(new DeadlineRule("us-zz-ten", "ten hours", Duration.ofHours(10), "test rule"),
                    DeadlineRule.state("us-zz-decide", "the state decides", Duration.ofHours(4), "test rule",
                            java.util.Set.of(DeliveryStatus.INVESTIGATION_OPENED, DeliveryStatus.SCREENED_OUT)),
                    DeadlineRule.reporter("us-zz-call", "call the hotline", Duration.ZERO, "test rule"));
        }
    }

    private final MovableClock clock = new MovableClock();
    private DefaultCamelContext camel;
    private MessageStore store;
    private JurisdictionRegistry registry;
    private Metrics metrics;
    private DeadlineMonitor monitor;

    private JdbcDataSource h2;

    @BeforeEach
    void start() {
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(h2, clock);
        camel = new DefaultCamelContext();
        camel.start();
        registry = new JurisdictionRegistry(camel, store);
        metrics = new Metrics();
        monitor = new DeadlineMonitor(camel, registry, store, metrics, config(), clock);
    }

    @AfterEach
    void stop() {
        camel.stop();
        metrics.close();
    }

    private static DeadlineMonitor.Config config() {
        return new DeadlineMonitor.Config() {
            public Class<? extends Annotation> annotationType() { return DeadlineMonitor.Config.class; }
            public String scanInterval() { return "PT1S"; }
            public String alertAt() { return "0.9, 0.5"; }
        };
    }

    private Referral accept(String id, Certainty certainty, AllegationType type) {
        Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "ZZ", null, "US"));
        Referral referral = new Referral(new ReferralId(id), child, null, null, RECEIVED, null, List.of(Allegation.of(type, certainty)));
        store.accept("ehr|" + id, referral, true, "raw", "application/fhir+json", Map.of(ZZ, DeliveryStatus.QUEUED));
        return referral;
    }

    private List<String> alerts(String id) {
        return store.deadlineAlerts(new ReferralId(id)).stream().map(a -> a.ruleId() + " " + a.level()).toList();
    }

    private void at(Duration sinceReceipt) {
        clock.now = RECEIVED.plus(sinceReceipt);
    }

    @Test
    void alertsOnceAtEachShareAndAtTheBreachOfTheStatesClock() {
        registry.bindAdapter(new TenHourState(), Map.of("jurisdiction", "US-ZZ"));
        accept("r-1", Certainty.SUSPECTED, AllegationType.LABOR_TRAFFICKING);

        at(Duration.ofHours(4));
        assertEquals(0, monitor.scan());
        at(Duration.ofHours(5));
        assertEquals(1, monitor.scan());
        assertEquals(0, monitor.scan(), "each level is raised once");
        at(Duration.ofHours(9).plusMinutes(1));
        monitor.scan();
        at(Duration.ofHours(11));
        monitor.scan();
        assertEquals(List.of("us-zz-ten 50%", "us-zz-ten 90%", "us-zz-ten breached"), alerts("r-1"));
        Counter breached = metrics.find("safeharbor.deadline.alerts").tag("level", "breached").tag("rule", "us-zz-ten").counter();
        assertEquals(1.0, breached.count());
        assertTrue(metrics.scrape().contains("safeharbor_deadline_alerts_total"), "the metric is served at /metrics");
    }

    /** The open-clocks gauge: rule and level to the number of clocks, from the scrape. */
    private Map<String, Double> openClocks() {
        Map<String, Double> open = new java.util.TreeMap<>();
        metrics.find(Metrics.CLOCKS_OPEN).gauges().forEach(g -> open.put(g.getId().getTag("rule") + " " + g.getId().getTag("clock")
                + " " + g.getId().getTag("level"), g.value()));
        return open;
    }

    @Test
    void theOpenClocksGaugeFollowsEachClockFromItsStartToItsEnd() {
        registry.bindAdapter(new TenHourState(), Map.of("jurisdiction", "US-ZZ"));
        accept("o-1", Certainty.SUSPECTED, AllegationType.LABOR_TRAFFICKING);
        accept("o-2", Certainty.SUSPECTED, AllegationType.LABOR_TRAFFICKING);
        at(Duration.ofHours(1));
        monitor.scan();
        assertEquals(Map.of("us-zz-ten delivery running", 2.0), openClocks());
        at(Duration.ofHours(5));
        monitor.scan();
        assertEquals(Map.of("us-zz-ten delivery 50%", 2.0), openClocks());
        store.update(new StatusUpdate(new ReferralId("o-2"), ZZ, DeliveryStatus.DELIVERED, null, RECEIVED.plus(Duration.ofHours(5)), null));
        at(Duration.ofHours(11));
        monitor.scan();
        assertEquals(Map.of("us-zz-ten delivery breached", 1.0), openClocks(), "o-2 delivered: its clock met");
        assertTrue(metrics.scrape().contains("safeharbor_clocks_open{clock=\"delivery\",jurisdiction=\"US-ZZ\",level=\"breached\",rule=\"us-zz-ten\"} 1.0"));

        // the state answers the breached one late: our clock ends, the state's own starts
        store.update(new StatusUpdate(new ReferralId("o-1"), ZZ, DeliveryStatus.ACKNOWLEDGED, "ZZ-9", RECEIVED.plus(Duration.ofHours(11)), null));
        monitor.scan();
        assertEquals(Map.of("us-zz-decide state running", 1.0), openClocks());
        // and decides before its clock's first share: no check falls due, the store tells the scan
        store.update(new StatusUpdate(new ReferralId("o-1"), ZZ, DeliveryStatus.INVESTIGATION_OPENED, null, RECEIVED.plus(Duration.ofHours(12)), null));
        at(Duration.ofHours(12));
        monitor.scan();
        assertEquals(Map.of(), openClocks(), "no clock open");
    }

    @Test
    void noFederalClockRuns() {
        // P.L. 113-183's 24 hours are the state agency's, for children it serves: not a clock of a hospital referral
        accept("r-2", Certainty.SUSPECTED, AllegationType.SEX_TRAFFICKING);
        at(Duration.ofHours(25));
        monitor.scan();
        assertEquals(List.of(), alerts("r-2"));
    }

    @Test
    void theStatesClockStartsWithItsAcknowledgementAndIsReportedAsTheStates() {
        registry.bindAdapter(new TenHourState(), Map.of("jurisdiction", "US-ZZ"));
        accept("r-7", Certainty.SUSPECTED, AllegationType.SEX_TRAFFICKING);
        store.update(new StatusUpdate(new ReferralId("r-7"), ZZ, DeliveryStatus.DELIVERED, null, RECEIVED.plus(Duration.ofHours(1)), null));
        at(Duration.ofHours(3));
        assertEquals(0, monitor.scan(), "delivered within 10 hours: our deadline is met; the state has not answered yet");
        store.update(new StatusUpdate(new ReferralId("r-7"), ZZ, DeliveryStatus.ACKNOWLEDGED, "ZZ-1", RECEIVED.plus(Duration.ofHours(3)), null));
        at(Duration.ofHours(4).plusMinutes(59));
        assertEquals(0, monitor.scan(), "the state's 4 hours run from its acknowledgement, not from our receipt");
        at(Duration.ofHours(5));
        assertEquals(1, monitor.scan());
        at(Duration.ofHours(7).plusMinutes(1));
        monitor.scan();
        assertEquals(List.of("us-zz-decide 50%", "us-zz-decide 90%", "us-zz-decide breached"), alerts("r-7"));
        DeadlineAlert breach = store.deadlineAlerts(new ReferralId("r-7")).get(2);
        assertTrue(breach.isStatesClock(), "the breach is the state's, not ours");
        assertEquals(RECEIVED.plus(Duration.ofHours(7)), breach.due());
        Counter states = metrics.find("safeharbor.deadline.alerts").tag("clock", "state").tag("level", "breached").counter();
        assertEquals(1.0, states.count());
        assertEquals(null, metrics.find("safeharbor.deadline.alerts").tag("rule", "us-zz-call").counter(),
                "a reporter's duty is told, never watched");
    }

    @Test
    void theStatesDecisionMeetsItsClock() {
        registry.bindAdapter(new TenHourState(), Map.of("jurisdiction", "US-ZZ"));
        accept("r-8", Certainty.SUSPECTED, AllegationType.SEX_TRAFFICKING);
        store.update(new StatusUpdate(new ReferralId("r-8"), ZZ, DeliveryStatus.ACKNOWLEDGED, "ZZ-2", RECEIVED.plus(Duration.ofHours(1)), null));
        store.update(new StatusUpdate(new ReferralId("r-8"), ZZ, DeliveryStatus.INVESTIGATION_OPENED, null, RECEIVED.plus(Duration.ofHours(2)), null));
        at(Duration.ofHours(30));
        assertEquals(0, monitor.scan());
        assertEquals(List.of(), alerts("r-8"));
    }

    @Test
    void noClockRunsForADeliveredReferralOrARiskSignalNotSent() {
        registry.bindAdapter(new TenHourState(), Map.of("jurisdiction", "US-ZZ"));
        accept("r-3", Certainty.CONFIRMED, AllegationType.SEX_TRAFFICKING);
        store.update(new StatusUpdate(new ReferralId("r-3"), ZZ, DeliveryStatus.DELIVERED, null, RECEIVED.plusSeconds(60), null));
        Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "ZZ", null, "US"));
        store.accept(null, "ehr|r-4", new Referral(new ReferralId("r-4"), child, null, null, RECEIVED, null,
                        List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK))), true, "raw", "application/fhir+json",
                Map.of(ZZ, DeliveryStatus.NOT_SENT), Map.of(ZZ, "a risk signal is not a report"));
        at(Duration.ofHours(30));
        monitor.scan();
        assertEquals(List.of(), alerts("r-3"), "delivered and the state silent: our deadline met, the state's clock not started");
        assertEquals(List.of(), alerts("r-4"), "a risk signal not sent starts no clock");
    }

    @Test
    void aScanReadsOnlyTheClocksDueAndReachesEveryOneOfALargeBacklog() {
        registry.bindAdapter(new TenHourState(), Map.of("jurisdiction", "US-ZZ"));
        int backlog = DeadlineMonitor.BATCH + 7;
        for (int i = 0; i < backlog; i++) {
            accept("b-" + i, Certainty.SUSPECTED, AllegationType.LABOR_TRAFFICKING);
        }
        at(Duration.ofHours(1));
        assertEquals(0, monitor.scan());
        assertEquals(List.of(), store.clocksDue(clock.now.plus(Duration.ofHours(3)), 10),
                "between thresholds no delivery is due, however many are open");
        assertEquals(backlog, store.clocksDue(clock.now.plus(Duration.ofHours(4)), backlog + 1).size(),
                "each is due again at 50% of its clock");
        at(Duration.ofHours(5));
        assertEquals(backlog, monitor.scan(), "every one of the backlog, in batches");
        assertEquals(List.of("us-zz-ten 50%"), alerts("b-" + (backlog - 1)));
        at(Duration.ofHours(11));
        assertEquals(backlog * 2, monitor.scan(), "90% and the breach");
        assertEquals(List.of(), store.clocksDue(clock.now.plus(Duration.ofDays(365)), 10), "all raised: never checked again");
    }

    /** Counts the rows of referral_delivery the database updates (an H2 trigger: what reaches the table, whoever wrote it). */
    public static final class CountingTrigger implements org.h2.api.Trigger {
        static final java.util.concurrent.atomic.AtomicInteger UPDATES = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void fire(java.sql.Connection connection, Object[] oldRow, Object[] newRow) {
            UPDATES.incrementAndGet();
        }
    }

    @Test
    void aRestartWithTheSameRulesReadsEveryClockAndRewritesNone() throws Exception {
        registry.bindAdapter(new TenHourState(), Map.of("jurisdiction", "US-ZZ"));
        int referrals = DeadlineMonitor.BATCH + 7; // more than one page
        for (int i = 0; i < referrals; i++) {
            accept("s-" + i, Certainty.SUSPECTED, AllegationType.LABOR_TRAFFICKING);
        }
        at(Duration.ofHours(1));
        monitor.scan(); // each scheduled at 50% of its 10 hours
        try (java.sql.Connection c = h2.getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TRIGGER delivery_updates AFTER UPDATE ON referral_delivery FOR EACH ROW CALL \""
                    + CountingTrigger.class.getName() + "\"");
        }
        CountingTrigger.UPDATES.set(0);

        at(Duration.ofHours(2));
        Metrics restartedMetrics = new Metrics();
        try {
            DeadlineMonitor restarted = new DeadlineMonitor(camel, registry, store, restartedMetrics, config(), clock);
            assertEquals(0, restarted.scan());
            assertEquals(0, CountingTrigger.UPDATES.get(), "the same rules: every clock read, none rewritten");
            assertEquals(List.of((double) referrals), restartedMetrics.find(Metrics.CLOCKS_OPEN).gauges().stream()
                    .map(g -> g.value()).toList(), "the open-clocks gauge rebuilt from what was read");
            at(Duration.ofHours(5));
            assertEquals(referrals, restarted.scan(), "each still checked at its 50%");
        } finally {
            restartedMetrics.close();
        }

        // other shares: the schedule moves, so every clock not yet past them is written again
        CountingTrigger.UPDATES.set(0);
        at(Duration.ofHours(8));
        Metrics otherMetrics = new Metrics();
        try {
            DeadlineMonitor.Config sharesChanged = new DeadlineMonitor.Config() {
                public Class<? extends Annotation> annotationType() { return DeadlineMonitor.Config.class; }
                public String scanInterval() { return "PT1S"; }
                public String alertAt() { return "0.75"; }
            };
            assertEquals(referrals, new DeadlineMonitor(camel, registry, store, otherMetrics, sharesChanged, clock).scan(),
                    "75% reached while no monitor ran: raised at once");
            assertEquals(referrals, CountingTrigger.UPDATES.get(), "each rescheduled for its breach");
        } finally {
            otherMetrics.close();
        }
    }

    @Test
    void aReferralHeldForAMissingBundleGetsTheStatesClocksWhenTheBundleArrives() {
        accept("r-5", Certainty.SUSPECTED, AllegationType.LABOR_TRAFFICKING);
        at(Duration.ofHours(6));
        assertEquals(0, monitor.scan(), "no federal clock for labor trafficking, no state clock without the bundle");
        registry.bindAdapter(new TenHourState(), Map.of("jurisdiction", "US-ZZ"));
        assertEquals(1, monitor.scan());
        assertEquals(List.of("us-zz-ten 50%"), alerts("r-5"));
    }

    @Test
    void aFailedDeliveryHasNotMetItsDeadline() {
        registry.bindAdapter(new TenHourState(), Map.of("jurisdiction", "US-ZZ"));
        accept("r-6", Certainty.SUSPECTED, AllegationType.LABOR_TRAFFICKING);
        store.update(new StatusUpdate(new ReferralId("r-6"), ZZ, DeliveryStatus.FAILED, null, RECEIVED.plusSeconds(60), "state down"));
        at(Duration.ofHours(6));
        assertEquals(1, monitor.scan(), "failed: in the operators' hands, and the state still has nothing");
        assertEquals(List.of("us-zz-ten 50%"), alerts("r-6"));
    }

    @Test
    void aReplayedReferralIsWatchedAgain() {
        registry.bindAdapter(new TenHourState(), Map.of("jurisdiction", "US-ZZ"));
        accept("r-9", Certainty.SUSPECTED, AllegationType.LABOR_TRAFFICKING);
        store.update(new StatusUpdate(new ReferralId("r-9"), ZZ, DeliveryStatus.DELIVERED, null, RECEIVED.plusSeconds(60), null));
        at(Duration.ofHours(6));
        assertEquals(0, monitor.scan(), "delivered");
        store.recordReplay(new ReferralId("r-9"), ZZ, "submission", null, "karaf");
        assertEquals(1, monitor.scan());
        assertEquals(List.of("us-zz-ten 50%"), alerts("r-9"));
    }
}
