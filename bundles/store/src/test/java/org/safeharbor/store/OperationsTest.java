package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class OperationsTest {

    @Test
    void runningAndRecentlyEndedOperationsAreListedNewestFirstWithTheirProgress() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
        Operations operations = new Operations(clock);
        Operations.Operation purge = operations.start(Operations.Kind.RETENTION_PURGE, "store", "adapter");
        Operations.Operation replay = operations.start(Operations.Kind.REPLAY_DEAD_LETTERS, "US-IL", "olu");
        assertEquals("0 so far", replay.progressText(), "not counted yet");
        replay.progress(10, 26L);
        assertEquals("10 of 26", replay.progressText());
        assertEquals(java.util.List.of(replay, purge), operations.recent());
        assertNull(purge.finished());

        clock.set(clock.instant().plusSeconds(5));
        purge.done("1100 referral(s)");
        purge.failed("too late");
        assertEquals(Operations.State.DONE, purge.state(), "an end is final");
        assertEquals("1100 referral(s)", purge.outcome());
        assertEquals(clock.instant(), purge.finished());

        clock.set(clock.instant().plus(Operations.KEPT).plus(Duration.ofSeconds(1)));
        assertEquals(java.util.List.of(replay), operations.recent(), "an operation ended more than an hour ago is forgotten, a running one never");
    }
}
