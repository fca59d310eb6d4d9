package org.safeharbor.jurisdiction.us.ma.wire;

import java.time.Instant;

import org.safeharbor.jurisdiction.support.v1.JsonRequired;

/**
 * A later status of a 51A report, POSTed by DCF to {@code /jurisdictions/us-ma/status}: a
 * REFERENCE DESIGN. Schema: {@code us-ma/schema/us-ma-status.schema.json}. No personal data.
 *
 * @param referralId   the referral
 * @param intakeNumber DCF's intake number, when known
 * @param status       {@code received}, {@code screened-in}, {@code screened-out},
 *                     {@code investigation-opened} or {@code rejected}
 * @param at           when the status changed at DCF
 * @param reason       short free text without personal data, e.g. a rejection reason
 */
public record StatusMessage(
        @JsonRequired String referralId,
        String intakeNumber,
        @JsonRequired String status,
        @JsonRequired Instant at,
        String reason) {
}
