package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GET /metrics answers loopback callers only: a real request over a non-loopback address of this
 * machine gets 403 and no metric; the same request over 127.0.0.1 gets the Prometheus text.
 */
class MetricsRouteTest {

    private DefaultCamelContext camel;
    private Metrics metrics;
    private TestHttp http;

    @BeforeEach
    void start() throws Exception {
        metrics = new Metrics();
        metrics.counter("safeharbor_deadline_alerts", "jurisdiction", "US-ZZ", "rule", "test", "level", "breach").increment();
        camel = new DefaultCamelContext();
        CamelRuntime.configureHttp(camel);
        camel.start();
        camel.addRoutes(new MetricsRoute(metrics));
        // on every interface, so a request can arrive over a non-loopback address
        http = TestHttp.start("0.0.0.0");
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        camel.stop();
        metrics.close();
    }

    @Test
    void loopbackCallerGetsTheMetrics() throws Exception {
        HttpResponse<String> response = http.get("127.0.0.1", "/metrics");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        // the metric names are unchanged
        assertTrue(response.body().contains("safeharbor_deadline_alerts_total{"), response.body());
    }

    @Test
    void nonLoopbackCallerIsRefusedWith403AndNoMetric() throws Exception {
        Optional<String> address = nonLoopbackAddress();
        Assumptions.assumeTrue(address.isPresent(), "this machine has no non-loopback IPv4 address");

        HttpResponse<String> response = http.get(address.get(), "/metrics");

        assertEquals(403, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("403 Forbidden"), response.body());
        assertFalse(response.body().contains("safeharbor_"), response.body());
        assertFalse(response.body().contains("OperationOutcome"), response.body());
    }

    @Test
    void directMetricsInsideTheJvmIsNotAnHttpCaller() {
        Exchange exchange = camel.createProducerTemplate().request("direct:metrics", e -> { });

        assertTrue(exchange.getMessage().getBody(String.class).contains("safeharbor_deadline_alerts_total"));
        assertEquals(null, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
    }

    @Test
    void loopbackMeansAnyLoopbackLiteralAndNothingElse() {
        for (String loopback : new String[] {"127.0.0.1", "127.8.9.10", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
            assertTrue(MetricsRoute.isLoopback(loopback), loopback);
        }
        for (String other : new String[] {"10.0.0.5", "192.168.1.20", "0.0.0.0", "::", "fe80::1", "2001:db8::1",
                "::ffff:10.0.0.5", "", "localhost", "127.0.0.1.evil.example", "not-an-address"}) {
            assertFalse(MetricsRoute.isLoopback(other), other);
        }
    }

    /** A non-loopback IPv4 address of an interface that is up, if there is one. */
    private static Optional<String> nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    return Optional.of(address.getHostAddress());
                }
            }
        }
        return Optional.empty();
    }
}
