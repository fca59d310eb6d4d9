package org.safeharbor.store;

import java.time.Instant;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;

/**
 * A referral's status with one jurisdiction.
 *
 * @param jurisdiction      the jurisdiction
 * @param status            where it stands
 * @param stateIntakeNumber the state's own intake number, once it gave one
 * @param reason            the state's reason (e.g. for a rejection); no personal data
 * @param updatedAt         when the status last changed
 */
public record Delivery(Jurisdiction jurisdiction, DeliveryStatus status, String stateIntakeNumber, String reason,
                       Instant updatedAt) {
}
