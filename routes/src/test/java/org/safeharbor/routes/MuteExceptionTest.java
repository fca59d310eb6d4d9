package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.servlet.ServletComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Camel's HTTP endpoints mute exceptions: a route that fails answers a bare 500, never the stack
 * trace (with its message, classes, SQL and host names) Camel writes by default. Set once on the
 * context's servlet component ({@link CamelRuntime#configureHttp}), so it holds for REST DSL routes
 * and for the plain {@code servlet:} endpoints the jurisdiction bundles add.
 */
class MuteExceptionTest {

    private static final String SECRET = "connection to db.internal.example:5432 as safeharbor failed";

    private DefaultCamelContext camel;
    private TestHttp http;

    private void start() throws Exception {
        camel = new DefaultCamelContext();
        CamelRuntime.configureHttp(camel);
        camel.start();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // like a jurisdiction's status call-back endpoint
                from("servlet:/jurisdictions/us-zz/status?httpMethodRestrict=GET").routeId("status")
                        .throwException(new IllegalStateException(SECRET));
                // like /health or /metrics
                rest("/failing").get().routeId("failing-http").to("direct:failing");
                from("direct:failing").routeId("failing").throwException(new IllegalStateException(SECRET));
                // an endpoint that opts out, to show what muting prevents
                from("servlet:/leaky?muteException=false").routeId("leaky").throwException(new IllegalStateException(SECRET));
            }
        });
        http = TestHttp.start("127.0.0.1");
    }

    @AfterEach
    void stop() throws Exception {
        if (http != null) {
            http.close();
        }
        camel.stop();
    }

    @Test
    void failingRoutesAnswer500WithoutStackTrace() throws Exception {
        start();
        assertTrue(camel.getComponent("servlet", ServletComponent.class).isMuteException());

        for (String path : List.of("/jurisdictions/us-zz/status", "/failing")) {
            HttpResponse<String> response = http.get(path);
            assertEquals(500, response.statusCode(), path);
            assertEquals("", response.body(), path);
        }
    }

    /**
     * Unmuted, Camel writes the exception's stack trace to the caller: what the test above guards
     * against (Camel 4.14's servlet component mutes by default; CamelRuntime pins it, so a later
     * default cannot bring the stack traces back).
     */
    @Test
    void anUnmutedEndpointWouldLeakTheStackTrace() throws Exception {
        start();

        HttpResponse<String> response = http.get("/leaky");

        assertEquals(500, response.statusCode());
        assertTrue(response.body().contains(SECRET), response.body());
        assertTrue(response.body().contains("at org.apache.camel"), response.body());
    }
}
