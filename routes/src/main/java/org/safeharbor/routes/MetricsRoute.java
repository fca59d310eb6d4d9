package org.safeharbor.routes;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.common.HttpMessage;

/**
 * {@code GET /metrics}: every metric in the Prometheus text exposition format, to loopback callers
 * only. A request whose TCP peer (the servlet's remote address; {@code X-Forwarded-For} is not
 * trusted) is not a loopback address gets 403 and no metric: scrape from the same host, or through a
 * local agent that forwards them. {@code direct:metrics} serves the same text inside the JVM.
 */
public class MetricsRoute extends RouteBuilder {

    static final String FORBIDDEN = "403 Forbidden: /metrics answers loopback callers only (scrape it from this host)\n";

    private final Metrics metrics;

    public MetricsRoute(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void configure() {
        rest("/metrics").get().routeId("metrics-http").produces("text/plain").to("direct:metrics");
        from("direct:metrics").routeId("metrics")
                .process(exchange -> {
                    String remote = remoteAddress(exchange.getIn());
                    if (remote != null && !isLoopback(remote)) {
                        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 403);
                        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
                        exchange.getMessage().setBody(FORBIDDEN);
                        return;
                    }
                    exchange.getMessage().setBody(metrics.scrape());
                    exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                });
    }

    /** The caller's address of an HTTP request, or null for an exchange that did not come over HTTP. */
    static String remoteAddress(Message message) {
        HttpServletRequest request = null;
        if (message instanceof HttpMessage http) {
            request = http.getRequest();
        }
        if (request == null) {
            request = message.getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class);
        }
        if (request == null) {
            return null;
        }
        String remote = request.getRemoteAddr();
        // an HTTP request without a peer address is refused, not waved through
        return remote == null ? "" : remote;
    }

    /** Whether an address literal (as {@code getRemoteAddr()} gives it) is a loopback address: 127/8, ::1. */
    static boolean isLoopback(String address) {
        String literal = address.trim();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        // only IP literals (dotted IPv4 or IPv6 with colons): never a name lookup
        if (!literal.matches("\\d{1,3}(\\.\\d{1,3}){3}") && !literal.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
