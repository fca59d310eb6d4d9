package org.safeharbor.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a client id, a calling address): a key may make {@code burst} requests at once and
 * {@code perMinute} a minute in the long run; a request beyond that is refused with the whole seconds until the next
 * one is allowed, for HTTP 429's {@code Retry-After} (RFC 6585 section 4).
 *
 * <p>Written here rather than taken from a library: the platform embeds Guava, whose {@code RateLimiter} is one
 * bucket with no state per key and cannot say when the next permit comes; nothing else on the class path limits
 * by key. Memory is bounded: past {@value #MAX_KEYS} keys, the buckets that are full again (idle keys) are dropped,
 * and if that is not enough all are (limits restart, nothing is refused wrongly).
 */
public final class RateLimiter {

    /** Keys remembered at most. */
    static final int MAX_KEYS = 10_000;
    private static final long NANOS_PER_MINUTE = 60_000_000_000L;

    private final long perMinute;
    private final long burst;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param perMinute requests a key may make a minute in the long run; 0 or less turns the limit off
     * @param burst     requests a key may make at once (at least 1)
     * @param nanoTime  the clock ({@code System::nanoTime}; a test's own)
     */
    public RateLimiter(int perMinute, int burst, LongSupplier nanoTime) {
        this.perMinute = perMinute;
        this.burst = Math.max(1, burst);
        this.nanoTime = nanoTime;
    }

    /** True when the limit is on. */
    public boolean enabled() {
        return perMinute > 0;
    }

    /** Takes one request of {@code key}: 0 when allowed, else the seconds to wait before the next (at least 1). */
    public long acquire(String key) {
        if (!enabled()) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        if (buckets.size() >= MAX_KEYS && !buckets.containsKey(key)) {
            buckets.values().removeIf(b -> b.fullAt(now));
            if (buckets.size() >= MAX_KEYS) {
                buckets.clear();
            }
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(now)).take(now);
    }

    /**
     * The tokens of one key, in units of 1/perMinute of a token so that the arithmetic stays in whole numbers:
     * a request costs {@code NANOS_PER_MINUTE} units, and every nanosecond adds {@code perMinute} units.
     */
    private final class Bucket {
        private long units;
        private long last;

        Bucket(long now) {
            this.units = burst * NANOS_PER_MINUTE;
            this.last = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (units >= NANOS_PER_MINUTE) {
                units -= NANOS_PER_MINUTE;
                return 0;
            }
            long missingNanos = (NANOS_PER_MINUTE - units + perMinute - 1) / perMinute;
            return Math.max(1, (missingNanos + 999_999_999L) / 1_000_000_000L);
        }

        synchronized boolean fullAt(long now) {
            refill(now);
            return units >= burst * NANOS_PER_MINUTE;
        }

        private void refill(long now) {
            long elapsed = Math.max(0, now - last);
            last = now;
            long capacity = burst * NANOS_PER_MINUTE;
            // elapsed * perMinute may overflow after a long idle time: a full bucket then
            units = elapsed > capacity / perMinute ? capacity : Math.min(capacity, units + elapsed * perMinute);
        }
    }
}
