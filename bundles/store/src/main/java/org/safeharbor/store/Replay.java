package org.safeharbor.store;

import java.time.Instant;

import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;

/**
 * An operator's replay of a referral to one jurisdiction.
 *
 * @param source        {@code submission} (read again through today's mappings), {@code output} (a
 *                      stored state payload sent again) or {@code dead-letter} (moved back from the DLQ)
 * @param sourceAttempt the attempt whose output was replayed, for {@code output}
 * @param attempt       the delivery attempt that carried the replay, once made
 */
public record Replay(String id, ReferralId referralId, Jurisdiction jurisdiction, String source, Integer sourceAttempt,
                     String requestedBy, Instant requestedAt, Integer attempt) {
}
