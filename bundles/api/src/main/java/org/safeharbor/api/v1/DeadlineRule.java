package org.safeharbor.api.v1;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A statutory clock a jurisdiction declares, e.g. Illinois' 24 hours to begin an investigation
 * (325 ILCS 5/7.4). The length is configuration (so tests can shorten it); the legal basis is not.
 *
 * @param id         short stable id, e.g. {@code us-il-investigation}
 * @param description what must happen before the clock runs out
 * @param length     the clock's length
 * @param legalBasis the public source, e.g. {@code 325 ILCS 5/7.4}
 */
@ProviderType
public record DeadlineRule(String id, String description, Duration length, String legalBasis) {

    public DeadlineRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(length, "length");
        Objects.requireNonNull(legalBasis, "legalBasis");
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("deadline length must be positive: " + id);
        }
    }

    /** This rule's deadline for a clock started at {@code start} (normally the report's receipt). */
    public Deadline startingAt(Instant start) {
        return new Deadline(this, start, start.plus(length));
    }

    /** The same rule with another length, e.g. a shortened clock from configuration. */
    public DeadlineRule withLength(Duration newLength) {
        return new DeadlineRule(id, description, newLength, legalBasis);
    }
}
