package org.safeharbor.jurisdiction.us.ma;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.StatusCallback;
import org.safeharbor.jurisdiction.support.v1.StatusCallers;
import org.safeharbor.jurisdiction.us.ma.wire.ErrorResponse;
import org.safeharbor.jurisdiction.us.ma.wire.StatusMessage;
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;
import org.safeharbor.jurisdiction.us.ma.wire.WireSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A status DCF POSTs to {@value MassachusettsAdapter#STATUS_PATH}, for the core. After the kit's door (401 without the
 * token or a pinned certificate, 413 over the bound: {@link StatusCallback}): 400 for a body that does not validate
 * against {@code us-ma-status.schema.json}, naming the schema only (the validator's messages quote what the caller
 * sent); 404 for a referral never delivered to US-MA; 202 once recorded (the core keeps a status that would move the
 * delivery backwards out) and, for a status that makes the Department's notices due, once they are recorded and queued
 * ({@link DepartmentNotices}); 503 when either could not be recorded (DCF sends it again).
 */
final class StatusReceiver implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(StatusReceiver.class);

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
        if (!door.enabled()) {
            LOG.error("{}: status call-backs are OFF: set .statusToken or statusClientCertificates in {}.cfg; deliveries run",
                    jurisdiction, MassachusettsAdapter.PID);
            return;
        }
        routes.from(StatusCallback.servlet(MassachusettsAdapter.STATUS_PATH)).routeId(jurisdiction.code() + "-status").process(this);
    }

    @Override
    public void process(Exchange exchange) {
        String body = door.admit(exchange);
        if (body == null) {
            return;
        }
        Message message = exchange.getMessage();
        StatusUpdate update;
        try {
            update = parse(body);
        } catch (IllegalArgumentException invalid) {
            LOG.warn("{}: refused a status message: {}", jurisdiction, invalid.getMessage());
            door.answer(message, 400, invalid.getMessage());
            return;
        }
        try {
            reporter.report(update);
        } catch (NoSuchElementException notOurs) {
            LOG.warn("{}: refused status {} for referral {}: not delivered to {}", jurisdiction, update.status(), update.referralId(), jurisdiction);
            door.answer(message, 404, "no such referral delivered to " + jurisdiction.code());
            return;
        } catch (RuntimeException e) {
            LOG.warn("{}: could not record status {} of referral {}: {}", jurisdiction, update.status(), update.referralId(),
                    e.getClass().getSimpleName());
            door.answer(message, 503, "status not recorded; send it again later");
            return;
        }
        try {
            recorded.accept(update);
        } catch (RuntimeException e) {
            // the status stands; sent again, it records what is missing (the sweep queues a notice recorded but not queued)
            LOG.warn("{}: status {} of referral {} recorded, but its notices were not: {}", jurisdiction, update.status(),
                    update.referralId(), e.getClass().getSimpleName());
            door.answer(message, 503, "notices not recorded; send the status again later");
            return;
        }
        LOG.info("{}: referral {} reported {}", jurisdiction, update.referralId(), update.status());
        door.answer(message, 202, null);
    }
}
