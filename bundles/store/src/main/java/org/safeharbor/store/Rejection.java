package org.safeharbor.store;

import java.time.Instant;

/**
 * A submission the intake refused, kept for inspection.
 *
 * @param id         quarantine id, quoted to the sender in the OperationOutcome
 * @param receivedAt when it arrived
 * @param httpStatus the status answered
 * @param element    the failing element (FHIRPath), when known
 * @param reason     why it was refused; no personal data
 * @param mediaType  its content type
 * @param raw        the payload as received (truncated at the size limit)
 * @param truncated  whether {@code raw} was cut
 */
public record Rejection(String id, Instant receivedAt, int httpStatus, String element, String reason, String mediaType,
                        String raw, boolean truncated) {
}
