package org.safeharbor.routes;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.dataformat.JsonLibrary;

/**
 * {@code GET /health/ready} (and {@code /health}, the same): the {@link HealthCheck} as JSON, HTTP 200 when UP and
 * 503 when DOWN, so a load balancer can use it as is; {@code GET /health/live}: 200 while the JVM and its CamelContext
 * run (for a watchdog that restarts a hung process, never for routing). {@code direct:health} serves the readiness
 * report inside the JVM. Relies on the REST configuration {@link CamelRuntime} sets.
 */
public class HealthRoute extends RouteBuilder {

    private final HealthCheck health;

    public HealthRoute(HealthCheck health) {
        this.health = health;
    }

    @Override
    public void configure() {
        rest("/health").get().routeId("health-http").produces("application/json").to("direct:health")
                .get("/ready").routeId("health-ready-http").produces("application/json").to("direct:health")
                .get("/live").routeId("health-live-http").produces("application/json").to("direct:health-live");

        from("direct:health-live").routeId("health-live")
                .process(exchange -> answer(exchange, health.live()))
                .marshal().json(JsonLibrary.Jackson);

        from("direct:health").routeId("health")
                .process(exchange -> answer(exchange, health.check()))
                .marshal().json(JsonLibrary.Jackson);
    }

    private static void answer(Exchange exchange, HealthCheck.Result result) {
        exchange.getMessage().setBody(result.body());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, result.up() ? 200 : 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }
}
