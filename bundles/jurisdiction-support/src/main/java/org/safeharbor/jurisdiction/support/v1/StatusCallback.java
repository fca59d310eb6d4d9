package org.safeharbor.jurisdiction.support.v1;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.common.HttpMessage;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The door of a state's HTTP status call-back on the core's Camel servlet: every request's headers are dropped (none
 * goes back in the answer), then 401 unless the caller presents the bearer token or a pinned client certificate
 * ({@link StatusCallers}), then 413 for a body over the bound, read no further than one byte past it (a declared
 * length over it is refused unread). Only then does the state's own code see the body, as text. Every answer is a
 * fixed text of ours, never the request or an exception:
 * <pre>
 * StatusCallback door = new StatusCallback(JURISDICTION, new StatusCallers(config._statusToken(),
 *         config.statusClientCertificates()), config.statusMaxBodyBytes());
 * if (door.enabled()) {   // no credential configured: no route (an unauthenticated caller could close referrals)
 *     routes.from(StatusCallback.servlet("/jurisdictions/us-zz/status")).routeId("US-ZZ-status").process(exchange -> {
 *         String body = door.admit(exchange);
 *         if (body != null) { ... parse, report, door.answer(exchange.getMessage(), 202, null) ... }
 *     });
 * }
 * </pre>
 */
public final class StatusCallback {

    private static final Logger LOG = LoggerFactory.getLogger(StatusCallback.class);

    private final Jurisdiction jurisdiction;
    private final StatusCallers callers;
    private final int maxBodyBytes;
    private String mediaType = "text/plain; charset=UTF-8";
    private UnaryOperator<String> body = UnaryOperator.identity();

    /** @throws IllegalArgumentException when {@code maxBodyBytes} is below 1 (the message names the key {@code statusMaxBodyBytes}) */
    public StatusCallback(Jurisdiction jurisdiction, StatusCallers callers, int maxBodyBytes) {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("statusMaxBodyBytes must be at least 1");
        }
        this.jurisdiction = Objects.requireNonNull(jurisdiction, "jurisdiction");
        this.callers = Objects.requireNonNull(callers, "callers");
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * The servlet consumer for {@code path} on the core's HTTP server: POST only, the body left an unread stream (no
     * stream cache) until {@link #admit} has checked the caller, and no exception ever sent back.
     */
    public static String servlet(String path) {
        return "servlet:" + path + "?httpMethodRestrict=POST&disableStreamCache=true&muteException=true";
    }

    /** How the state's answers look: their media type and the body for a text of ours (default: the text, text/plain). */
    public StatusCallback answers(String mediaType, UnaryOperator<String> body) {
        this.mediaType = Objects.requireNonNull(mediaType, "mediaType");
        this.body = Objects.requireNonNull(body, "body");
        return this;
    }

    /** False when nobody could be admitted: the state must not start its status route. */
    public boolean enabled() {
        return callers.configured();
    }

    /**
     * Checks the caller, then reads the bounded body.
     *
     * @return the body as text, or null when the caller has been answered (401, 413, or 400 for an unreadable body)
     */
    public String admit(Exchange exchange) {
        Message message = exchange.getMessage();
        HttpServletRequest request = exchange.getIn() instanceof HttpMessage http ? http.getRequest() : null;
        String authorization = message.getHeader("Authorization", String.class);
        X509Certificate[] chain = request == null ? null : (X509Certificate[]) request.getAttribute(StatusCallers.CLIENT_CERTIFICATES);
        long declaredLength = request == null ? -1 : request.getContentLengthLong();
        Object raw = message.getBody();
        // Camel copies the request's headers to the answer: none goes back
        message.removeHeaders("*");
        if (!callers.admit(authorization, chain)) {
            LOG.warn("{}: refused a status call-back without valid credentials", jurisdiction);
            answer(message, 401, "unauthorized");
            message.setHeader("WWW-Authenticate", "Bearer realm=\"" + jurisdiction.code().toLowerCase(Locale.ROOT) + "-status\"");
            return null;
        }
        byte[] bytes;
        try {
            bytes = raw instanceof InputStream in ? StatusCallers.bounded(in, declaredLength, maxBodyBytes)
                    : raw == null ? new byte[0] : exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, raw);
        } catch (IOException unreadable) {
            answer(message, 400, "unreadable body");
            return null;
        }
        if (bytes == null || bytes.length > maxBodyBytes) {
            LOG.warn("{}: refused a status call-back over {} bytes", jurisdiction, maxBodyBytes);
            answer(message, 413, "body too large for a status");
            return null;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The state's whole status route on the core's servlet at {@code path} (route id {@code US-XX-status}), answered by
     * {@link #receive}; none when nobody could be admitted (an ERROR line says so: an unauthenticated caller could close
     * referrals; deliveries run).
     */
    public void route(RouteBuilder routes, String path, StatusReporter reporter, Function<String, StatusUpdate> parse,
                      Consumer<StatusUpdate> recorded) {
        if (!enabled()) {
            LOG.error("{}: status call-backs are OFF: set .statusToken or statusClientCertificates in its cfg; deliveries run", jurisdiction);
            return;
        }
        routes.from(servlet(path)).routeId(jurisdiction.code() + "-status").process(exchange -> receive(exchange, reporter, parse, recorded));
    }

    /**
     * One status call-back: {@link #admit}, then {@code parse} (an {@link IllegalArgumentException} is answered 400 with
     * its message, which must name no value), the status recorded through {@link StatusOutcome} (404, 503), then
     * {@code recorded} (what the state does on a recorded status, e.g. notices it makes due; a RuntimeException is
     * answered 503: the status stands, sent again it records what is missing), then 202.
     */
    public void receive(Exchange exchange, StatusReporter reporter, Function<String, StatusUpdate> parse, Consumer<StatusUpdate> recorded) {
        String body = admit(exchange);
        if (body == null) {
            return;
        }
        Message message = exchange.getMessage();
        StatusUpdate update;
        try {
            update = parse.apply(body);
        } catch (IllegalArgumentException invalid) {
            LOG.warn("{}: refused a status message: {}", jurisdiction, invalid.getMessage());
            answer(message, 400, invalid.getMessage());
            return;
        }
        StatusOutcome outcome = StatusOutcome.report(reporter, update);
        if (outcome == StatusOutcome.RECORDED) {
            try {
                recorded.accept(update);
            } catch (RuntimeException e) {
                LOG.warn("{}: status {} of referral {} recorded, but what it makes due was not: {}", jurisdiction, update.status(),
                        update.referralId(), e.getClass().getSimpleName());
                answer(message, 503, "notices not recorded; send the status again later");
                return;
            }
        }
        answer(message, outcome.status(), outcome.refusal(update));
    }

    /** Answers the caller with {@code status} and a text of ours (no personal data, nothing of the request); null: no body. */
    public void answer(Message message, int status, String text) {
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (text == null) {
            message.setBody(null);
            return;
        }
        message.setHeader(Exchange.CONTENT_TYPE, mediaType);
        message.setBody(body.apply(text));
    }
}
