package org.safeharbor.store;

import java.time.Instant;

import org.safeharbor.api.v1.Jurisdiction;

/**
 * One attempt to send a {@link Notice}.
 *
 * @param outcome      null while running or when the process died during it; SENT or FAILED
 * @param detail       why it failed; no personal data
 * @param payloadChars size of the payload sent
 */
public record NoticeAttempt(Jurisdiction jurisdiction, String recipient, int attempt, Instant startedAt, String outcome,
                            String detail, int payloadChars) {
}
