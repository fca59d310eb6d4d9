package org.safeharbor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The per-key token bucket behind the token endpoint's and the intake's 429s, on a clock the test moves. */
class RateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000);

    private void advance(long amount, TimeUnit unit) {
        nanos.addAndGet(unit.toNanos(amount));
    }

    @Test
    void aBurstIsAllowedThenTheRateWithTheWaitToTheNextRequest() {
        RateLimiter limiter = new RateLimiter(6, 3, nanos::get); // one request every 10 s in the long run
        assertEquals(0, limiter.acquire("a"));
        assertEquals(0, limiter.acquire("a"));
        assertEquals(0, limiter.acquire("a"));
        assertEquals(10, limiter.acquire("a"), "the bucket is empty: the next token comes in 10 s");
        advance(4, TimeUnit.SECONDS);
        assertEquals(6, limiter.acquire("a"), "a refused request costs nothing: 6 s still to wait");
        advance(6, TimeUnit.SECONDS);
        assertEquals(0, limiter.acquire("a"));
        assertEquals(10, limiter.acquire("a"));
    }

    @Test
    void eachKeyHasItsOwnBucket() {
        RateLimiter limiter = new RateLimiter(60, 1, nanos::get);
        assertEquals(0, limiter.acquire("hospital-a"));
        assertEquals(1, limiter.acquire("hospital-a"));
        assertEquals(0, limiter.acquire("hospital-b"), "another client is not held back by the first one's flood");
    }

    @Test
    void theWaitIsRoundedUpToAWholeSecondAndIsAtLeastOne() {
        RateLimiter limiter = new RateLimiter(600, 1, nanos::get); // one every 100 ms
        assertEquals(0, limiter.acquire("a"));
        assertEquals(1, limiter.acquire("a"), "Retry-After is whole seconds: 100 ms becomes 1");
        advance(100, TimeUnit.MILLISECONDS);
        assertEquals(0, limiter.acquire("a"));
    }

    @Test
    void anIdleKeyRefillsOnlyUpToItsBurstEvenAfterAVeryLongTime() {
        RateLimiter limiter = new RateLimiter(60, 2, nanos::get);
        assertEquals(0, limiter.acquire("a"));
        advance(365 * 24, TimeUnit.HOURS);
        assertEquals(0, limiter.acquire("a"));
        assertEquals(0, limiter.acquire("a"));
        assertTrue(limiter.acquire("a") > 0, "no more than the burst after a year of silence");
    }

    @Test
    void zeroPerMinuteIsNoLimit() {
        RateLimiter limiter = new RateLimiter(0, 1, nanos::get);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(0, limiter.acquire("a"));
        }
    }

    @Test
    void manyKeysDoNotGrowWithoutBoundAndIdleOnesAreForgotten() {
        RateLimiter limiter = new RateLimiter(60, 1, nanos::get);
        assertEquals(0, limiter.acquire("busy"));
        for (int i = 0; i < RateLimiter.MAX_KEYS + 5; i++) {
            limiter.acquire("address-" + i);
        }
        advance(2, TimeUnit.SECONDS);
        // the table was emptied once it was full of non-idle keys: limits restart, nobody is refused wrongly
        assertEquals(0, limiter.acquire("busy"));
    }
}
