package org.safeharbor.jurisdiction.support.v1;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * ISO-8601 durations from a bundle's configuration ({@code PT2S}, {@code PT24H}, {@code P2D}), checked so that a bad
 * value fails the component's activation with a message naming the PID, the key and the value (configuration, never
 * personal data).
 */
public final class Durations {

    private Durations() {
    }

    /** A duration of zero or more, e.g. a delay. */
    public static Duration of(String pid, String key, String value) {
        Duration duration;
        try {
            duration = Duration.parse(value == null ? "" : value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(pid + ": " + key + " is not an ISO-8601 duration such as PT2S: " + value, e);
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException(pid + ": " + key + " must not be negative: " + value);
        }
        return duration;
    }

    /** A duration longer than zero, e.g. a clock, a timeout or a period. */
    public static Duration positive(String pid, String key, String value) {
        Duration duration = of(pid, key, value);
        if (duration.isZero()) {
            throw new IllegalArgumentException(pid + ": " + key + " must be longer than zero: " + value);
        }
        return duration;
    }
}
