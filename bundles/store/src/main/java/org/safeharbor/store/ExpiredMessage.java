package org.safeharbor.store;

import java.time.Instant;

import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;

/**
 * A message that waited on a dead-letter or quarantine queue past its time and was taken off the broker into the
 * message store's records (1.4): which referral it carried, from which queue, since when. The referral itself stays in
 * the store (encrypted), so it can still be replayed. No personal data.
 *
 * @param queue    the queue it left, e.g. {@code referrals.US-IL.DLQ}
 * @param parkedAt when it was put on that queue (the message's timestamp)
 */
public record ExpiredMessage(String messageId, ReferralId referralId, Jurisdiction jurisdiction, String queue, Instant parkedAt,
                             Instant expiredAt) {
}
