package org.safeharbor.jurisdiction.support.v1;

import java.time.Duration;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How a jurisdiction retries a delivery that failed for a passing reason (the state's system is
 * down or slow): exponential backoff from {@code firstDelay}, multiplied by {@code multiplier} each
 * time, never longer than {@code maximumDelay}, at most {@code maximumRedeliveries} times. Then the
 * referral goes to the jurisdiction's dead-letter queue for an operator.
 *
 * @param maximumRedeliveries retries after the first attempt
 * @param firstDelay          the wait before the first retry
 * @param multiplier          the backoff factor
 * @param maximumDelay        the cap on any single wait
 */
@ProviderType
public record Redelivery(int maximumRedeliveries, Duration firstDelay, double multiplier, Duration maximumDelay) {

    /** Six retries from 2 s doubling up to 5 min: about 2 minutes of trying before an operator is needed. */
    public static final Redelivery DEFAULT = new Redelivery(6, Duration.ofSeconds(2), 2.0, Duration.ofMinutes(5));

    public Redelivery {
        Objects.requireNonNull(firstDelay, "firstDelay");
        Objects.requireNonNull(maximumDelay, "maximumDelay");
        if (maximumRedeliveries < 0 || multiplier < 1.0) {
            throw new IllegalArgumentException("maximumRedeliveries >= 0 and multiplier >= 1 required");
        }
    }

    /**
     * The policy from a bundle's configuration (the keys {@code maximumRedeliveries},
     * {@code redeliveryDelay}, {@code redeliveryMultiplier}, {@code maximumRedeliveryDelay}; delays as
     * ISO-8601 durations such as PT2S), checked so that a bad value fails the component's activation
     * with a message naming the PID and the key.
     */
    public static Redelivery parse(String pid, int maximumRedeliveries, String redeliveryDelay, double redeliveryMultiplier,
                                   String maximumRedeliveryDelay) {
        Duration first = Durations.of(pid, "redeliveryDelay", redeliveryDelay);
        Duration cap = Durations.of(pid, "maximumRedeliveryDelay", maximumRedeliveryDelay);
        if (maximumRedeliveries < 0 || redeliveryMultiplier < 1.0) {
            throw new IllegalArgumentException(pid + ": maximumRedeliveries must be >= 0 and redeliveryMultiplier >= 1.0, not "
                    + maximumRedeliveries + " and " + redeliveryMultiplier);
        }
        return new Redelivery(maximumRedeliveries, first, redeliveryMultiplier, cap);
    }

    /** The policy from a state's {@link RetryConfig}, checked as {@link #parse} does. */
    public static Redelivery of(String pid, RetryConfig retry) {
        return parse(pid, retry.maximumRedeliveries(), retry.redeliveryDelay(), retry.redeliveryMultiplier(), retry.maximumRedeliveryDelay());
    }
}
