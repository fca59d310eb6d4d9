package org.safeharbor.routes;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The adapter's metrics: one Micrometer registry, served in the Prometheus text format at
 * {@code GET /metrics}. Camel's route metrics and the deadline alerts are recorded in it.
 */
@Component(service = {Metrics.class, MeterRegistry.class})
public class Metrics extends PrometheusMeterRegistry {

    public Metrics() {
        super(PrometheusConfig.DEFAULT);
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
