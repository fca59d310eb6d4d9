package org.safeharbor.store;

import java.time.Instant;

import org.safeharbor.api.v1.Jurisdiction;

/**
 * One attempt to deliver a referral to a jurisdiction.
 *
 * @param outcome      null while running or when the process died during it; FAILED, or the status
 *                     the state's answer gave (DELIVERED, ACKNOWLEDGED, ...)
 * @param detail       why it failed; no personal data
 * @param payloadChars size of the stored state payload
 */
public record Attempt(Jurisdiction jurisdiction, int attempt, Instant startedAt, String outcome, String detail, int payloadChars) {
}
