package org.safeharbor.api.v1;

import java.time.Instant;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A change of a referral's status at one jurisdiction, e.g. parsed from a state's acknowledgement.
 *
 * @param referralId        the referral
 * @param jurisdiction      the jurisdiction reporting
 * @param status            the new status
 * @param stateIntakeNumber the state's own intake or case number, when it gave one
 * @param at                when the status changed
 * @param reason            free text from the state (e.g. a rejection reason); no personal data
 */
@ProviderType
public record StatusUpdate(ReferralId referralId, Jurisdiction jurisdiction, DeliveryStatus status,
                           String stateIntakeNumber, Instant at, String reason) {

    public StatusUpdate {
        Objects.requireNonNull(referralId, "referralId");
        Objects.requireNonNull(jurisdiction, "jurisdiction");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
    }
}
