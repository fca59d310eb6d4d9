package org.safeharbor.store;

import java.time.Instant;
import java.util.List;

import org.safeharbor.api.v1.Referral;

/**
 * An accepted referral as stored.
 *
 * @param referral      the canonical referral
 * @param submissionKey the sender's own id of the submission (sender | message id)
 * @param actionable    false when it held only ruled-out or historical findings: nothing is sent
 * @param deliveries    its status with each jurisdiction it was queued for
 */
public record StoredReferral(Referral referral, String submissionKey, boolean actionable, List<Delivery> deliveries) {

    public StoredReferral {
        deliveries = List.copyOf(deliveries);
    }

    /** When the adapter accepted it. */
    public Instant receivedAt() {
        return referral.receivedAt();
    }
}
