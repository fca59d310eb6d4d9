package org.safeharbor.api.v1;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One running statutory clock of one referral.
 *
 * @param rule  the rule it comes from
 * @param start when the clock started
 * @param due   when it runs out
 */
@ProviderType
public record Deadline(DeadlineRule rule, Instant start, Instant due) {

    public Deadline {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(due, "due");
    }

    /** Share of the clock used at {@code now}: 0.0 at start, 1.0 at the deadline, above 1.0 once breached. */
    public double fractionElapsed(Instant now) {
        long total = Duration.between(start, due).toMillis();
        return (double) Duration.between(start, now).toMillis() / total;
    }

    /** True once {@code now} is past the deadline. */
    public boolean isBreachedAt(Instant now) {
        return now.isAfter(due);
    }
}
