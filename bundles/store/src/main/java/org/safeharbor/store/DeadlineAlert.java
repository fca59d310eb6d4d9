package org.safeharbor.store;

import java.time.Instant;

import org.safeharbor.api.v1.Jurisdiction;

/**
 * A statutory clock alert raised for a referral that was still undelivered.
 *
 * @param jurisdiction the jurisdiction whose clock it is
 * @param ruleId       the deadline rule, e.g. {@code us-il-investigation}
 * @param level        {@code 50%}, {@code 90%}, ... or {@code breached}
 * @param due          when the clock runs out
 * @param raisedAt     when the alert was raised
 */
public record DeadlineAlert(Jurisdiction jurisdiction, String ruleId, String level, Instant due, Instant raisedAt) {
}
