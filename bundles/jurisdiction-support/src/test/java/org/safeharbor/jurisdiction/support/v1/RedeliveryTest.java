package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** A bundle's retry settings, read from its configuration: a bad value names the PID and the key. */
class RedeliveryTest {

    private static final String PID = "org.safeharbor.jurisdiction.us.zz";

    @Test
    void readsTheFourKeys() {
        assertEquals(new Redelivery(3, Duration.ofSeconds(5), 1.5, Duration.ofMinutes(1)),
                Redelivery.parse(PID, 3, " PT5S ", 1.5, "PT1M"));
        assertEquals(Redelivery.DEFAULT, Redelivery.parse(PID, 6, "PT2S", 2.0, "PT5M"));
    }

    @Test
    void aBadValueNamesThePidAndTheKey() {
        assertMessage("org.safeharbor.jurisdiction.us.zz: redeliveryDelay is not an ISO-8601 duration such as PT2S: 2",
                () -> Redelivery.parse(PID, 3, "2", 2.0, "PT5M"));
        assertMessage("maximumRedeliveryDelay must not be negative: -PT1M", () -> Redelivery.parse(PID, 3, "PT2S", 2.0, "-PT1M"));
        assertMessage("redeliveryDelay is not an ISO-8601 duration", () -> Redelivery.parse(PID, 3, null, 2.0, "PT5M"));
        assertMessage("maximumRedeliveries must be >= 0 and redeliveryMultiplier >= 1.0, not -1 and 2.0",
                () -> Redelivery.parse(PID, -1, "PT2S", 2.0, "PT5M"));
        assertMessage("not 3 and 0.5", () -> Redelivery.parse(PID, 3, "PT2S", 0.5, "PT5M"));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable parse) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith(PID + ": "), e.getMessage());
    }
}
