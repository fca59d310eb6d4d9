package org.safeharbor.jurisdiction.us.il;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.tck.RecordingStatusReporter;

/** The retry policy comes from the configuration; its defaults are the shared policy's. */
class IllinoisRedeliveryConfigTest {

    private static IllinoisAdapter adapter(Map<String, Object> values) {
        return new IllinoisAdapter(Configs.adapter(values), Configs.redelivery(values), new RecordingStatusReporter(), true);
    }

    @Test
    void theDefaultsAreSixRetriesFromTwoSecondsDoublingUpToFiveMinutes() {
        assertEquals(Redelivery.DEFAULT, adapter(Map.of()).redelivery());
    }

    @Test
    void theConfiguredPolicyApplies() {
        Redelivery redelivery = adapter(Map.of("maximumRedeliveries", 3, "redeliveryDelay", "PT10S",
                "redeliveryMultiplier", 1.5, "maximumRedeliveryDelay", "PT1M")).redelivery();
        assertEquals(new Redelivery(3, Duration.ofSeconds(10), 1.5, Duration.ofMinutes(1)), redelivery);
    }

    @Test
    void aWrongValueIsRefusedAtActivation() {
        assertThrows(IllegalArgumentException.class, () -> adapter(Map.of("redeliveryDelay", "2")));
        assertThrows(IllegalArgumentException.class, () -> adapter(Map.of("maximumRedeliveryDelay", "-PT1M")));
        assertThrows(IllegalArgumentException.class, () -> adapter(Map.of("maximumRedeliveries", -1)));
        assertThrows(IllegalArgumentException.class, () -> adapter(Map.of("redeliveryMultiplier", 0.5)));
    }
}
