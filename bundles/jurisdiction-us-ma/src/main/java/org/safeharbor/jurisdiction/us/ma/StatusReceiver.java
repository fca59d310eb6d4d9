package org.safeharbor.jurisdiction.us.ma;

import java.util.List;
import java.util.function.Consumer;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.StatusCallback;
import org.safeharbor.jurisdiction.support.v1.StatusCallers;
import org.safeharbor.jurisdiction.support.v1.StatusOutcome;
import org.safeharbor.jurisdiction.us.ma.wire.ErrorResponse;
import org.safeharbor.jurisdiction.us.ma.wire.StatusMessage;
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;
import org.safeharbor.jurisdiction.us.ma.wire.WireSchema;

/**
 * A status DCF POSTs to {@value MassachusettsAdapter#STATUS_PATH}, for the core, through the kit's {@link StatusCallback}
 * (401 without the token or a pinned certificate, 413 over the bound; 404, 503 and 202 by {@link StatusOutcome}). This
 * class reads it: 400 for a body that does not validate against {@code us-ma-status.schema.json}, naming the schema only
 * (the validator's messages quote what the caller sent). A status that makes the Department's notices due is answered
 * once they are recorded and queued ({@link DepartmentNotices}); 503 when they could not be (DCF sends it again).
 */
final class StatusReceiver implements Processor {

    private final Jurisdiction jurisdiction;
    private final StatusReporter reporter;
    private final StatusCallback door;
    private final Consumer<StatusUpdate> recorded;

    /**
     * @param callers  who may call; none configured: no route
     * @param recorded what follows a recorded status (the Department's notices), before DCF is answered
     */
    StatusReceiver(Jurisdiction jurisdiction, StatusReporter reporter, StatusCallers callers, int maxBodyBytes, Consumer<StatusUpdate> recorded) {
        this.jurisdiction = jurisdiction;
        this.reporter = reporter;
        this.door = new StatusCallback(jurisdiction, callers, maxBodyBytes)
                .answers(MassachusettsFormat.MEDIA_TYPE, text -> WireJson.write(new ErrorResponse(text)));
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

    /** Parses and checks one status message; throws {@link IllegalArgumentException} naming the schema, never the body. */
    StatusUpdate parse(String body) {
        List<String> problems = WireSchema.STATUS.validate(body == null ? "" : body);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the status does not validate against " + WireSchema.STATUS.resource()
                    + " (" + problems.size() + (problems.size() == 1 ? " problem)" : " problems)"));
        }
        StatusMessage message = WireJson.read(body, StatusMessage.class);
        return new StatusUpdate(new ReferralId(message.referralId()), jurisdiction, toDeliveryStatus(message.status()),
                message.intakeNumber(), message.at(), message.reason());
    }

    boolean enabled() {
        return door.enabled();
    }

    /** The status route on the core's servlet; none without a credential (an unauthenticated caller could close referrals). */
    void configure(RouteBuilder routes) {
        door.route(routes, MassachusettsAdapter.STATUS_PATH, reporter, this::parse, recorded);
    }

    @Override
    public void process(Exchange exchange) {
        door.receive(exchange, reporter, this::parse, recorded);
    }
}
