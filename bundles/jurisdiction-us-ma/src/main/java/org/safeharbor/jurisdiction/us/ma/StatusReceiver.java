package org.safeharbor.jurisdiction.us.ma;

import org.safeharbor.jurisdiction.support.v1.StatusCallers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.http.common.HttpMessage;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.us.ma.wire.ErrorResponse;
import org.safeharbor.jurisdiction.us.ma.wire.StatusMessage;
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;
import org.safeharbor.jurisdiction.us.ma.wire.WireSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a status DCF POSTs to {@value MassachusettsAdapter#STATUS_PATH} into a {@link StatusUpdate}
 * for the core. In this order, each step before the next one looks at the body:
 * <ol>
 *   <li>401 unless the caller presents the bearer token or a pinned client certificate ({@link StatusCallers});</li>
 *   <li>413 for a body over the bound (its declared length is checked before it is read);</li>
 *   <li>400 for a body that does not validate against {@code us-ma-status.schema.json}, naming the schema only
 *       (the validator's messages quote keys and values the caller sent);</li>
 *   <li>404 for a referral DCF never received from this adapter (unknown, or not delivered to US-MA);</li>
 *   <li>202 when recorded (a status that would move the delivery backwards is kept out by the core) and, if it
 *       is one that makes the Department's notices due, once they are recorded and queued ({@link DepartmentNotices});
 *       503 when the core could not record either (DCF should try again).</li>
 * </ol>
 * No answer quotes the request or an exception.
 */
final class StatusReceiver implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(StatusReceiver.class);

    private final Jurisdiction jurisdiction;
    private final StatusReporter reporter;
    private final StatusCallers callers;
    private final int maxBodyBytes;
    private final Consumer<StatusUpdate> recorded;

    StatusReceiver(Jurisdiction jurisdiction, StatusReporter reporter, StatusCallers callers, int maxBodyBytes) {
        this(jurisdiction, reporter, callers, maxBodyBytes, update -> { });
    }

    /** {@code recorded}: what follows a recorded status (the Department's notices), before DCF is answered. */
    StatusReceiver(Jurisdiction jurisdiction, StatusReporter reporter, StatusCallers callers, int maxBodyBytes,
                   Consumer<StatusUpdate> recorded) {
        this.jurisdiction = jurisdiction;
        this.reporter = reporter;
        this.callers = callers;
        this.maxBodyBytes = maxBodyBytes;
        this.recorded = recorded;
    }

    /** The canonical status for DCF's status code. */
    static DeliveryStatus toDeliveryStatus(String status) {
        return switch (status) {
            case "received" -> DeliveryStatus.ACKNOWLEDGED;
            case "screened-in" -> DeliveryStatus.SCREENED_IN;
            case "screened-out" -> DeliveryStatus.SCREENED_OUT;
            case "investigation-opened" -> DeliveryStatus.INVESTIGATION_OPENED;
            case "rejected" -> DeliveryStatus.REJECTED;
            default -> throw new IllegalArgumentException("unknown status");
        };
    }

    /** Parses and checks one status message; throws {@link IllegalArgumentException} naming what is wrong. */
    StatusUpdate parse(String body) {
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("empty body");
        }
        List<String> problems = WireSchema.STATUS.validate(body);
        if (!problems.isEmpty()) {
            // the validator's own messages quote what they refused (an unknown key, a value): neither is answered nor logged
            throw new IllegalArgumentException("the status does not validate against " + WireSchema.STATUS.resource()
                    + " (" + problems.size() + (problems.size() == 1 ? " problem)" : " problems)"));
        }
        StatusMessage message = WireJson.read(body, StatusMessage.class);
        return new StatusUpdate(new ReferralId(message.referralId()), jurisdiction, toDeliveryStatus(message.status()),
                message.intakeNumber(), message.at(), message.reason());
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        HttpServletRequest request = exchange.getIn() instanceof HttpMessage http ? http.getRequest() : null;
        String authorization = message.getHeader("Authorization", String.class);
        X509Certificate[] chain = request == null ? null : (X509Certificate[]) request.getAttribute(StatusCallers.CLIENT_CERTIFICATES);
        long declaredLength = request == null ? -1 : request.getContentLengthLong();
        Object raw = message.getBody();
        // nothing of the request goes back in the response (Camel copies headers to it)
        message.removeHeaders("*");
        if (!callers.admit(authorization, chain)) {
            LOG.warn("{}: refused a status call-back without valid credentials", jurisdiction);
            message.setHeader("WWW-Authenticate", "Bearer realm=\"us-ma-status\"");
            answer(message, 401, new ErrorResponse("unauthorized"));
            return;
        }
        byte[] bytes;
        try {
            bytes = raw instanceof InputStream in ? StatusCallers.bounded(in, declaredLength, maxBodyBytes)
                    : raw == null ? new byte[0] : exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, raw);
        } catch (IOException unreadable) {
            answer(message, 400, new ErrorResponse("unreadable body"));
            return;
        }
        if (bytes == null || bytes.length > maxBodyBytes) {
            LOG.warn("{}: refused a status call-back over {} bytes", jurisdiction, maxBodyBytes);
            answer(message, 413, new ErrorResponse("body too large for a status"));
            return;
        }
        StatusUpdate update;
        try {
            update = parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException invalid) {
            // our own words only: the schema and how many problems, never the validator's text
            LOG.warn("{}: refused a status message: {}", jurisdiction, invalid.getMessage());
            answer(message, 400, new ErrorResponse(invalid.getMessage()));
            return;
        }
        try {
            reporter.report(update);
        } catch (NoSuchElementException notOurs) {
            LOG.warn("{}: refused status {} for referral {}: not delivered to {}", jurisdiction, update.status(),
                    update.referralId(), jurisdiction);
            answer(message, 404, new ErrorResponse("no such referral delivered to " + jurisdiction.code()));
            return;
        } catch (RuntimeException e) {
            LOG.warn("{}: could not record status {} of referral {}: {}", jurisdiction, update.status(), update.referralId(),
                    e.getClass().getSimpleName());
            answer(message, 503, new ErrorResponse("status not recorded; send it again later"));
            return;
        }
        try {
            recorded.accept(update);
        } catch (RuntimeException e) {
            // the status stands; sent again, it records what is missing (a notice recorded but not queued is
            // queued by the sweep in any case)
            LOG.warn("{}: status {} of referral {} recorded, but its notices were not: {}", jurisdiction, update.status(),
                    update.referralId(), e.getClass().getSimpleName());
            answer(message, 503, new ErrorResponse("notices not recorded; send the status again later"));
            return;
        }
        LOG.info("{}: referral {} reported {}", jurisdiction, update.referralId(), update.status());
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        message.setBody(null);
    }

    private static void answer(Message message, int code, ErrorResponse error) {
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, code);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(WireJson.write(error));
    }
}
