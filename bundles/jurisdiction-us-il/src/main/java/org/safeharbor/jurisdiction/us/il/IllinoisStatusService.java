package org.safeharbor.jurisdiction.us.il;

import java.util.NoSuchElementException;

import org.apache.cxf.interceptor.Fault;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.us.il.wire.StatusAccepted;
import org.safeharbor.jurisdiction.us.il.wire.StatusCode;
import org.safeharbor.jurisdiction.us.il.wire.StatusNotification;
import org.safeharbor.jurisdiction.us.il.wire.StatusNotificationPortType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter's side of {@code NotifyStatus}: a later status from the State Central Register becomes a
 * {@link StatusUpdate} for the core. CXF has validated the notification against the schema before
 * this runs (an unknown status or a malformed referral id never gets here).
 */
public final class IllinoisStatusService implements StatusNotificationPortType {

    private static final Logger LOG = LoggerFactory.getLogger(IllinoisStatusService.class);

    private final Jurisdiction jurisdiction;
    private final StatusReporter reporter;

    public IllinoisStatusService(Jurisdiction jurisdiction, StatusReporter reporter) {
        this.jurisdiction = jurisdiction;
        this.reporter = reporter;
    }

    @Override
    public StatusAccepted notifyStatus(StatusNotification notification) {
        StatusUpdate update = toUpdate(jurisdiction, notification);
        try {
            reporter.report(update);
        } catch (NoSuchElementException notOurs) {
            // unknown, or never delivered to Illinois: the same answer, naming nothing
            LOG.warn("{} status {} refused for referral {}: not delivered to {}", jurisdiction, update.status(), update.referralId(),
                    jurisdiction);
            throw fault("no such referral delivered to " + jurisdiction.code(), 404);
        } catch (RuntimeException e) {
            LOG.warn("{} status {} for referral {} not recorded: {}", jurisdiction, update.status(), update.referralId(),
                    e.getClass().getSimpleName());
            throw fault("status not recorded; send it again later", 503);
        }
        // ids and codes only: the state's reason text stays out of the log
        LOG.info("{} reported {} for referral {} (intake {})", jurisdiction, update.status(), update.referralId(),
                update.stateIntakeNumber());
        StatusAccepted accepted = new StatusAccepted();
        accepted.setReferralId(notification.getReferralId());
        return accepted;
    }

    private static Fault fault(String text, int status) {
        Fault fault = new Fault(new IllegalArgumentException(text));
        fault.setStatusCode(status);
        return fault;
    }

    /** The canonical status update a state notification stands for. */
    public static StatusUpdate toUpdate(Jurisdiction jurisdiction, StatusNotification notification) {
        return new StatusUpdate(new ReferralId(notification.getReferralId()), jurisdiction, status(notification.getStatus()),
                notification.getIntakeNumber(), IntakeXml.instant(notification.getAt()), notification.getReason());
    }

    /** The state's status codes on the canonical statuses. */
    public static DeliveryStatus status(StatusCode code) {
        return switch (code) {
            // the SCR logged the report under its intake number
            case RECEIVED -> DeliveryStatus.ACKNOWLEDGED;
            case SCREENED_IN -> DeliveryStatus.SCREENED_IN;
            case SCREENED_OUT -> DeliveryStatus.SCREENED_OUT;
            // 325 ILCS 5/7.4: the investigation the 24-hour clock is about
            case INVESTIGATION_OPENED -> DeliveryStatus.INVESTIGATION_OPENED;
            case REJECTED -> DeliveryStatus.REJECTED;
        };
    }
}
