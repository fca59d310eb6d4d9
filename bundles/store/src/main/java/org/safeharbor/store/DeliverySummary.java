package org.safeharbor.store;

import java.time.Instant;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;

/** One line of an operator's listing: a referral's delivery to one jurisdiction (no personal data). */
public record DeliverySummary(ReferralId referralId, Instant receivedAt, Jurisdiction jurisdiction, DeliveryStatus status,
                              String stateIntakeNumber, String reason, Instant updatedAt, int attempts) {
}
