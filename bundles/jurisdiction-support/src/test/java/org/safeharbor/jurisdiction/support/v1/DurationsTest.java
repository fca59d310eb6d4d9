package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationsTest {

    private static final String PID = "org.safeharbor.jurisdiction.us.zz";

    @Test
    void readsIsoDurationsTrimmed() {
        assertEquals(Duration.ofSeconds(2), Durations.of(PID, "redeliveryDelay", " PT2S "));
        assertEquals(Duration.ZERO, Durations.of(PID, "redeliveryDelay", "PT0S"));
        assertEquals(Duration.ofDays(2), Durations.positive(PID, "clock", "P2D"));
    }

    @Test
    void aBadValueNamesThePidTheKeyAndTheValue() {
        for (String bad : new String[] {"2s", "", null, "PT", "24 hours"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.of(PID, "timeout", bad));
            assertTrue(e.getMessage().startsWith(PID + ": timeout is not an ISO-8601 duration"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.of(PID, "delay", "-PT1S"))
                .getMessage().contains("delay must not be negative"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.positive(PID, "clock", "PT0S"))
                .getMessage().contains("clock must be longer than zero"));
    }
}
