package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.routes.JurisdictionPipelineTest.Behaviour;
import org.safeharbor.routes.JurisdictionPipelineTest.FakeState;

/** What the delivery path counts: each delivery by jurisdiction and outcome, each attempt's time at the state. */
class DeliveryMetricsTest {

    private DefaultCamelContext camel;
    private FakeState state;
    private Metrics metrics;

    @BeforeEach
    void start() throws Exception {
        metrics = new Metrics();
        state = new FakeState();
        camel = JurisdictionPipelineTest.started(state, metrics);
    }

    @AfterEach
    void stop() {
        camel.stop();
        metrics.close();
    }

    private void send(String id, Certainty certainty) {
        Child child = new Child(new PersonName("Sampleton", List.of("Avery")), LocalDate.of(2012, 3, 4), Sex.FEMALE,
                new Address(List.of("12 Harbor Lane"), "Springfield", "ZZ", "62701", "US"));
        camel.createProducerTemplate().sendBody("direct:queue", ReferralJson.INSTANCE.write(new Referral(new ReferralId(id), child,
                null, null, Instant.parse("2026-11-21T10:00:00Z"), null, List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, certainty)))));
    }

    private double deliveries(String outcome) {
        Counter counter = metrics.find(Metrics.DELIVERIES).tag("jurisdiction", "US-ZZ").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private long attempts(String outcome) {
        Timer timer = metrics.find(Metrics.STATE_LATENCY).tag("jurisdiction", "US-ZZ").tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void aDeliveryIsCountedByJurisdictionAndOutcomeAndEachAttemptIsTimed() {
        send("r-1", Certainty.SUSPECTED);
        assertEquals(1, deliveries("acknowledged"));
        assertEquals(1, attempts(DeliveryMetrics.ANSWERED));
        String scraped = metrics.scrape();
        assertTrue(scraped.contains("safeharbor_deliveries_total{jurisdiction=\"US-ZZ\",outcome=\"acknowledged\"} 1.0"), scraped);
        assertTrue(scraped.contains("safeharbor_state_latency_seconds_bucket{jurisdiction=\"US-ZZ\",outcome=\"answered\",le="),
                "a histogram, for quantiles: " + scraped);
    }

    @Test
    void retriesAreAttemptsAndTheDeliveryCountsOnceAsFailed() {
        state.behaviour = Behaviour.DOWN;
        state.failuresBeforeSuccess = -1;
        send("r-2", Certainty.CONFIRMED);
        assertEquals(4, attempts(DeliveryMetrics.FAILED), "the first attempt and three retries");
        assertEquals(1, deliveries("failed"));
        assertEquals(0, deliveries("acknowledged"));
    }

    @Test
    void aRefusalAndANotSentAreCountedAsWhatTheyAre() {
        state.behaviour = Behaviour.REFUSE;
        send("r-3", Certainty.SUSPECTED);
        send("r-4", Certainty.AT_RISK);
        assertEquals(1, attempts(DeliveryMetrics.REFUSED));
        assertEquals(1, deliveries("rejected"));
        assertEquals(1, deliveries("not_sent"), "nothing for the state: no attempt, counted");
        assertEquals(1, metrics.find(Metrics.STATE_LATENCY).timers().stream().mapToLong(Timer::count).sum());
    }

    @Test
    void noLabelCarriesTheChild() {
        send("r-5", Certainty.SUSPECTED);
        state.behaviour = Behaviour.REFUSE;
        send("r-6", Certainty.SUSPECTED);
        String scraped = metrics.scrape();
        for (String personal : List.of("Sampleton", "Avery", "2012-03-04", "12 Harbor Lane", "Springfield", "62701")) {
            assertFalse(scraped.contains(personal), personal + " in /metrics");
        }
        assertFalse(scraped.contains("r-5"), "no referral id either: one series per referral would grow without end");
    }
}
