package org.safeharbor.routes;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.dataformat.JsonLibrary;

/**
 * {@code GET /health}: the {@link HealthCheck} as JSON, HTTP 200 when UP and 503 when DOWN, so a
 * load balancer or systemd watchdog can use it as is. {@code direct:health} serves the same report
 * inside the JVM. Relies on the REST configuration {@link CamelRuntime} sets.
 */
public class HealthRoute extends RouteBuilder {

    private final HealthCheck health;

    public HealthRoute(HealthCheck health) {
        this.health = health;
    }

    @Override
    public void configure() {
        rest("/health").get().routeId("health-http").produces("application/json").to("direct:health");

        from("direct:health").routeId("health")
                .process(exchange -> {
                    HealthCheck.Result result = health.check();
                    exchange.getMessage().setBody(result.body());
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, result.up() ? 200 : 503);
                    exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                })
                .marshal().json(JsonLibrary.Jackson);
    }
}
