package org.safeharbor.jurisdiction.us.ma;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
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
 * for the core. Answers like an HTTP service: 202 when recorded, 400 for a body that does not
 * validate against {@code us-ma-status.schema.json}, 401 without the configured bearer token, 503
 * when the core could not record it (DCF should try again).
 */
final class StatusReceiver implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(StatusReceiver.class);
    /** A status is a few hundred bytes; anything much larger is not one. */
    static final int MAX_BODY_CHARS = 16 * 1024;

    private final Jurisdiction jurisdiction;
    private final StatusReporter reporter;
    private final byte[] token;

    /**
     * @param token the bearer token DCF must present, or blank for none (e.g. when mutual TLS in
     *              front of the adapter authenticates DCF)
     */
    StatusReceiver(Jurisdiction jurisdiction, StatusReporter reporter, String token) {
        this.jurisdiction = jurisdiction;
        this.reporter = reporter;
        this.token = token == null || token.isBlank() ? null : ("Bearer " + token.trim()).getBytes(StandardCharsets.UTF_8);
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
        if (body.length() > MAX_BODY_CHARS) {
            throw new IllegalArgumentException("body too large for a status");
        }
        List<String> problems = WireSchema.STATUS.validate(body);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        StatusMessage message = WireJson.read(body, StatusMessage.class);
        return new StatusUpdate(new ReferralId(message.referralId()), jurisdiction, toDeliveryStatus(message.status()),
                message.intakeNumber(), message.at(), message.reason());
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        String authorization = message.getHeader("Authorization", String.class);
        String body = message.getBody(String.class);
        // nothing of the request goes back in the response (Camel copies headers to it)
        message.removeHeaders("*");
        if (token != null && (authorization == null
                || !MessageDigest.isEqual(token, authorization.trim().getBytes(StandardCharsets.UTF_8)))) {
            answer(message, 401, new ErrorResponse("unauthorized"));
            return;
        }
        StatusUpdate update;
        try {
            update = parse(body);
        } catch (IllegalArgumentException invalid) {
            LOG.warn("{}: refused a status message: {}", jurisdiction, invalid.getMessage());
            answer(message, 400, new ErrorResponse(invalid.getMessage()));
            return;
        }
        try {
            reporter.report(update);
        } catch (RuntimeException e) {
            LOG.warn("{}: could not record status {} of referral {}: {}", jurisdiction, update.status(), update.referralId(),
                    e.getClass().getSimpleName());
            answer(message, 503, new ErrorResponse("status not recorded; send it again later"));
            return;
        }
        LOG.info("{}: referral {} is now {}", jurisdiction, update.referralId(), update.status());
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        message.setBody(null);
    }

    private static void answer(Message message, int code, ErrorResponse error) {
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, code);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(WireJson.write(error));
    }
}
