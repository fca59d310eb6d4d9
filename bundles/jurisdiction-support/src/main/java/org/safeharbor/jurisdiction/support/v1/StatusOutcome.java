package org.safeharbor.jurisdiction.support.v1;

import java.util.NoSuchElementException;

import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a state's status call-back answers once it has read a valid status: recorded (202), a referral never delivered
 * to that state (404: unknown and someone else's get the same answer, naming nothing), or not recorded (503: the state
 * sends it again). {@link #report} records the status and logs the outcome with ids and codes only: the state's reason
 * text, which may quote the case, stays out of the log.
 */
public enum StatusOutcome {
    RECORDED(202),
    NOT_DELIVERED(404),
    NOT_RECORDED(503);

    private static final Logger LOG = LoggerFactory.getLogger(StatusOutcome.class);

    private final int status;

    StatusOutcome(int status) {
        this.status = status;
    }

    /** The HTTP status to answer with. */
    public int status() {
        return status;
    }

    /** The fixed text of a refusal, for the state's answer; null for {@link #RECORDED}. */
    public String refusal(StatusUpdate update) {
        return switch (this) {
            case RECORDED -> null;
            case NOT_DELIVERED -> "no such referral delivered to " + update.jurisdiction().code();
            case NOT_RECORDED -> "status not recorded; send it again later";
        };
    }

    /** Records the update with the core's reporter and says what to answer. */
    public static StatusOutcome report(StatusReporter reporter, StatusUpdate update) {
        try {
            reporter.report(update);
        } catch (NoSuchElementException notOurs) {
            LOG.warn("{} status {} refused for referral {}: not delivered to {}", update.jurisdiction(), update.status(),
                    update.referralId(), update.jurisdiction());
            return NOT_DELIVERED;
        } catch (RuntimeException e) {
            LOG.warn("{} status {} for referral {} not recorded: {}", update.jurisdiction(), update.status(), update.referralId(),
                    e.getClass().getSimpleName());
            return NOT_RECORDED;
        }
        LOG.info("{} reported {} for referral {} (intake {})", update.jurisdiction(), update.status(), update.referralId(),
                update.stateIntakeNumber());
        return RECORDED;
    }
}
