package org.safeharbor.routes;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The adapter's metrics: one Micrometer registry, served in the Prometheus text format at
 * {@code GET /metrics}. Camel's route metrics, the deadline alerts and the meters below are recorded in it; the FHIR
 * intake ({@code safeharbor.submissions}, {@code safeharbor.intake.latency}) and the token endpoint
 * ({@code safeharbor.tokens}) record theirs through the same registry, a {@link MeterRegistry} service.
 *
 * <p>Names are Micrometer's dotted names; Prometheus shows them with underscores, a counter with {@code _total} and a
 * timer in {@code _seconds} (README, "Metrics and alerts", lists them as scraped). Labels are jurisdiction codes,
 * outcomes, client ids and rule ids only: never anything read from a referral.
 */
@Component(service = {Metrics.class, MeterRegistry.class})
public class Metrics extends PrometheusMeterRegistry {

    /** Counter: the outcome of each delivery the core's pipeline reports (jurisdiction, outcome). */
    public static final String DELIVERIES = "safeharbor.deliveries";
    /** Timer with histogram: how long the state's transport took, per attempt (jurisdiction, outcome). */
    public static final String STATE_LATENCY = "safeharbor.state.latency";
    /** Gauge: messages on a jurisdiction's queues, from the broker (jurisdiction, queue = referrals, dlq, quarantine). */
    public static final String QUEUE_DEPTH = "safeharbor.queue.depth";
    /** Gauge: consumers of a jurisdiction's queue, from the broker (jurisdiction). */
    public static final String QUEUE_CONSUMERS = "safeharbor.queue.consumers";
    /** Gauge: 1 while the broker is reachable, 0 otherwise. */
    public static final String BROKER_UP = "safeharbor.broker.up";
    /** Gauge: 1 while the message store's database answers, 0 otherwise. */
    public static final String DATABASE_UP = "safeharbor.database.up";
    /** Gauge: clocks still running, by the level they have reached (jurisdiction, rule, clock, level). */
    public static final String CLOCKS_OPEN = "safeharbor.clocks.open";
    /** Counter: clock alerts raised (jurisdiction, rule, clock, level); see {@link DeadlineMonitor}. */
    public static final String DEADLINE_ALERTS = "safeharbor.deadline.alerts";

    public Metrics() {
        super(PrometheusConfig.DEFAULT);
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
