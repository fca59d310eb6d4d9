package org.safeharbor.jurisdiction.us.tx;


import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.StatusCallback;
import org.safeharbor.jurisdiction.support.v1.StatusOutcome;
import org.safeharbor.jurisdiction.support.v1.SchemaXml.InvalidDocumentException;
import org.safeharbor.jurisdiction.us.tx.wire.ReferralStatusReportType;
import org.safeharbor.jurisdiction.us.tx.wire.StateStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Later statuses from CPS or law enforcement: {@code ext:ReferralStatusReport} POSTed to {@value TexasAdapter#STATUS_PATH}
 * on the core's HTTP server, behind the kit's {@link StatusCallback} door (401 without the token or a pinned client
 * certificate, 413 over the bound, before the body is read), then 202 and reported, 400 for an invalid document, 404
 * for a referral never delivered to Texas, 503 when the status could not be recorded.
 */
final class TexasStatus {

    private static final Logger LOG = LoggerFactory.getLogger(TexasStatus.class);

    private final StatusCallback door;
    private final StatusReporter reporter;

    TexasStatus(StatusCallback door, StatusReporter reporter) {
        this.door = door;
        this.reporter = reporter;
    }

    /** False without a credential to check a caller against: then no HTTP status route. */
    boolean enabled() {
        return door.enabled();
    }

    void configure(RouteBuilder routes, String httpEndpoint) {
        if (door.enabled()) {
            routes.from(httpEndpoint).routeId(TexasAdapter.CODE + "-status-http").process(exchange -> {
                String body = door.admit(exchange);
                if (body != null) {
                    receive(exchange.getMessage(), body);
                }
            });
        } else {
            LOG.error("{}: status call-backs are OFF: set .statusToken or statusClientCertificates in {}.cfg (an unauthenticated"
                    + " caller could close referrals); deliveries run", TexasAdapter.CODE, TexasAdapter.PID);
        }
        routes.from(TexasAdapter.STATUS_ENDPOINT).routeId(TexasAdapter.CODE + "-status")
                .process(exchange -> receive(exchange.getMessage(), exchange.getMessage().getBody(String.class)));
    }

    private void receive(Message message, String body) {
        message.removeHeaders("*");
        ReferralStatusReportType status;
        StatusUpdate update;
        try {
            status = TexasXml.read(body, ReferralStatusReportType.class);
            update = update(status);
        } catch (InvalidDocumentException e) {
            // the schema's words stay here: the answer names the document and the schema, never the rule or a value
            LOG.warn("US-TX status rejected: invalid ReferralStatusReport ({})", e.getMessage());
            door.answer(message, 400, "invalid ReferralStatusReport: not a valid document of the US-TX schema (iepd/us-tx)");
            return;
        }
        StatusOutcome outcome = StatusOutcome.report(reporter, update);
        door.answer(message, outcome.status(), outcome == StatusOutcome.RECORDED ? "accepted" : outcome.refusal(update));
    }

    /**
     * What a status report means for the hospital: the canonical status, the agency's number and its reason.
     *
     * @throws InvalidDocumentException when its referral id, status, agency or time cannot be one
     */
    static StatusUpdate update(ReferralStatusReportType status) {
        ReferralId referral;
        try {
            referral = new ReferralId(status.getReferralIdentification().getIdentificationID());
        } catch (IllegalArgumentException e) {
            throw new InvalidDocumentException("ReferralIdentification is not a referral id");
        }
        if (status.getReferralStatusCode() == null || status.getReceivingAgencyCode() == null) {
            // xs:token lets a code carry whitespace around it, which JAXB's enums do not read (null): refused, never
            // guessed (a null agency would have read as law enforcement; found by TexasMessagesFuzzTest)
            throw new InvalidDocumentException("ReferralStatusCode or ReceivingAgencyCode is not one of the schema's codes as written");
        }
        String reason = TexasRules.displayName(status.getReceivingAgencyCode()) + ": " + status.getReferralStatusCode().value();
        if (status.getStatusReasonText() != null && !status.getStatusReasonText().isBlank()) {
            String stated = status.getStatusReasonText().strip();
            reason += " (" + (stated.length() > 200 ? stated.substring(0, 200) + "..." : stated) + ")";
        }
        return new StatusUpdate(referral, Jurisdiction.of(TexasAdapter.CODE),
                deliveryStatus(status.getReferralStatusCode()),
                status.getIntakeNumberIdentification() == null ? null : status.getIntakeNumberIdentification().getIdentificationID(),
                TexasXml.instant(status.getStatusDateTime(), "StatusDateTime"), reason);
    }

    static DeliveryStatus deliveryStatus(StateStatus status) {
        return switch (status) {
            case RECEIVED -> DeliveryStatus.ACKNOWLEDGED;
            case SCREENED_IN -> DeliveryStatus.SCREENED_IN;
            case SCREENED_OUT -> DeliveryStatus.SCREENED_OUT;
            case INVESTIGATION_OPENED -> DeliveryStatus.INVESTIGATION_OPENED;
            case REJECTED -> DeliveryStatus.REJECTED;
        };
    }
}
