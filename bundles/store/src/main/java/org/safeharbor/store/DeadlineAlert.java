package org.safeharbor.store;

import java.time.Instant;

import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Jurisdiction;

/**
 * A clock alert raised for a referral: the adapter's delivery deadline (not yet delivered) or the state's
 * own statutory clock (delivered, the state's decision not yet received).
 *
 * @param jurisdiction the jurisdiction whose clock it is
 * @param ruleId       the deadline rule, e.g. {@code us-il-investigation}
 * @param level        {@code 50%}, {@code 90%}, ... or {@code breached}
 * @param due          when the clock runs out
 * @param raisedAt     when the alert was raised
 * @param kind         whose clock it is
 */
public record DeadlineAlert(Jurisdiction jurisdiction, String ruleId, String level, Instant due, Instant raisedAt,
                            DeadlineRule.Kind kind) {

    /** Whether the clock is the state's own, not the adapter's. */
    public boolean isStatesClock() {
        return kind == DeadlineRule.Kind.STATE;
    }
}
