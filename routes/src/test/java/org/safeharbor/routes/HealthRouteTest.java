package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.direct.DirectComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.routes.JurisdictionRegistry.ActiveJurisdiction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * GET /health end to end, as a load balancer sees it: HealthRoute's servlet REST endpoint served by
 * the project's own embedded Jetty ({@link HttpServer}) with CamelHttpTransportServlet.
 *
 * <p>Why not {@code direct:health}: with Camel 4.14 the REST DSL inlines a {@code to("direct:...")}
 * route into the REST route ({@code inlineRoutes} defaults to true), so the context has one route
 * ("health", consumer {@code rest:get:/health}) and {@code direct:health} has no consumer. The tests
 * therefore call the real HTTP endpoint, and for the Camel header run the route's processor.
 */
class HealthRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicBoolean brokerUp = new AtomicBoolean(true);
    private final AtomicBoolean production = new AtomicBoolean();
    private final Set<String> sandboxes = new ConcurrentSkipListSet<>();
    private DefaultCamelContext camel;
    private HttpServer http;
    private int port;

    @BeforeEach
    void start() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:health;DB_CLOSE_DELAY=-1");
        List<ActiveJurisdiction> jurisdictions = List.of(
                new ActiveJurisdiction(Jurisdiction.of("US-ZZ"), "Test state ZZ", List.of("in-US-ZZ")));

        camel = new DefaultCamelContext();
        CamelRuntime.configureHttp(camel);
        camel.start();
        camel.addRoutes(new HealthRoute(new HealthCheck(camel, brokerUp::get, () -> h2, () -> jurisdictions,
                () -> Set.copyOf(sandboxes), production::get)));

        port = freePort();
        http = new HttpServer();
        http.activate(TestHttps.config("127.0.0.1", port, -1));
    }

    @AfterEach
    void stop() throws Exception {
        if (http != null) {
            http.deactivate();
        }
        camel.stop();
    }

    @Test
    void healthyIsHttp200WithJson() throws Exception {
        HttpResponse<String> response = get("/health");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().map().toString());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("UP", body.path("status").asText());
        assertEquals("UP", body.path("broker").path("status").asText());
        assertEquals("UP", body.path("database").path("status").asText());
        assertEquals("US-ZZ", body.path("jurisdictions").path(0).path("code").asText());
        assertFalse(body.path("sandbox").asBoolean());
        // states only: the broker's URL, the database product and the queue names are not shown
        assertTrue(body.path("broker").path("url").isMissingNode(), body.toString());
        assertTrue(body.path("database").path("product").isMissingNode(), body.toString());
        assertTrue(body.path("jurisdictions").path(0).path("queue").isMissingNode(), body.toString());
        assertFalse(response.body().contains("amqp"), response.body());
    }

    @Test
    void sandboxIsMarkedAndRefusedInProduction() throws Exception {
        sandboxes.add("US-MA");

        JsonNode body = JSON.readTree(get("/health").body());
        assertTrue(body.path("sandbox").asBoolean(), body.toString());
        assertEquals("US-MA", body.path("sandboxes").path(0).asText());
        assertEquals("UP", body.path("status").asText());

        production.set(true);
        HttpResponse<String> refused = get("/health");
        assertEquals(503, refused.statusCode());
        body = JSON.readTree(refused.body());
        assertEquals("DOWN", body.path("status").asText());
        assertTrue(body.path("sandbox").asBoolean(), body.toString());
    }

    @Test
    void unhealthyIsHttp503WithJson() throws Exception {
        brokerUp.set(false);

        HttpResponse<String> response = get("/health");

        // 503 (not 500): the report is still a normal, parseable body.
        assertEquals(503, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("DOWN", body.path("status").asText());
        assertEquals("DOWN", body.path("broker").path("status").asText());
    }

    @Test
    void routeSetsTheCamelHttpResponseCodeHeader() throws Exception {
        // The route that serves GET /health (its id is "health" whether or not the REST DSL inlines).
        Route route = camel.getRoute("health");
        assertNotNull(route, "routes: " + camel.getRoutes());

        Exchange up = run(route);
        assertEquals(200, up.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals("UP", JSON.readTree(up.getMessage().getBody(String.class)).path("status").asText());

        brokerUp.set(false);
        Exchange down = run(route);
        assertEquals(503, down.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals("DOWN", JSON.readTree(down.getMessage().getBody(String.class)).path("status").asText());
    }

    /**
     * direct:health is an in-JVM entry point of its own: the REST DSL must not inline it
     * (CamelRuntime sets inlineRoutes(false)).
     */
    @Test
    void directHealthIsAnEntryPoint() throws Exception {
        // Fail at once instead of the direct component's default 30 s wait for a consumer.
        camel.getComponent("direct", DirectComponent.class).setBlock(false);

        Exchange exchange = camel.createProducerTemplate().request("direct:health", e -> { });

        assertNull(exchange.getException());
        assertEquals(200, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
    }

    // ---------------------------------------------------------------- helpers

    private Exchange run(Route route) throws Exception {
        Exchange exchange = new DefaultExchange(camel);
        route.getProcessor().process(exchange);
        assertNull(exchange.getException());
        return exchange;
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpClient client = TestHttps.client();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
