package org.safeharbor.routes;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/** {@code GET /metrics}: every metric in the Prometheus text exposition format. */
public class MetricsRoute extends RouteBuilder {

    private final Metrics metrics;

    public MetricsRoute(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void configure() {
        rest("/metrics").get().routeId("metrics-http").produces("text/plain").to("direct:metrics");
        from("direct:metrics").routeId("metrics")
                .process(exchange -> {
                    exchange.getMessage().setBody(metrics.scrape());
                    exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                });
    }
}
