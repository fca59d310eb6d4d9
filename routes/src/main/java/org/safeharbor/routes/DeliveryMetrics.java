package org.safeharbor.routes;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;

/**
 * What {@link JurisdictionPipeline} counts: each delivery's outcome ({@value Metrics#DELIVERIES}) and each attempt's
 * time at the state ({@value Metrics#STATE_LATENCY}). Labels are the jurisdiction's code and an outcome. A class of its
 * own, loaded only when the CamelContext has a meter registry: a state bundle's in-memory pipeline runs without
 * Micrometer on its class path.
 */
final class DeliveryMetrics {

    /** Attempt outcomes: the state answered (or took the payload), the transport failed, the state refused the report. */
    static final String ANSWERED = "answered";
    static final String FAILED = "failed";
    static final String REFUSED = "refused";

    private final MeterRegistry meters;

    /** @param registry the core's {@link MeterRegistry}, as the Camel registry holds it */
    DeliveryMetrics(Object registry) {
        this.meters = (MeterRegistry) registry;
    }

    void delivery(Jurisdiction jurisdiction, DeliveryStatus status) {
        Counter.builder(Metrics.DELIVERIES).description("Deliveries by the outcome the core's pipeline reported")
                .tag("jurisdiction", jurisdiction.code()).tag("outcome", status.name().toLowerCase(Locale.ROOT))
                .register(meters).increment();
    }

    void attempt(Jurisdiction jurisdiction, String outcome, long nanos) {
        Timer.builder(Metrics.STATE_LATENCY).description("Time the state's transport took, per delivery attempt")
                .tag("jurisdiction", jurisdiction.code()).tag("outcome", outcome)
                // a state's transport has its own timeouts (a minute or two); SFTP batches hand over at once
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofMinutes(2))
                .register(meters).record(nanos, TimeUnit.NANOSECONDS);
    }
}
