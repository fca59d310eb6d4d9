package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.tck.RecordingStatusReporter;

/** The retry policy of the receiving route comes from the configuration. */
class FloridaRedeliveryConfigTest {

    private static Redelivery redelivery(Map<String, Object> overrides) {
        FloridaAdapter adapter = new FloridaAdapter(TestConfigs.florida(overrides), new RecordingStatusReporter(), null, Clock.systemUTC(), true);
        try {
            return adapter.redelivery();
        } finally {
            adapter.deactivate();
        }
    }

    @Test
    void theDefaultsAreTheBaseClasses() {
        assertEquals(Redelivery.DEFAULT, redelivery(Map.of()));
    }

    @Test
    void configuredValuesAreUsed() {
        assertEquals(new Redelivery(3, Duration.ofSeconds(5), 3.0, Duration.ofMinutes(1)), redelivery(Map.of(
                "maximumRedeliveries", 3, "redeliveryDelay", "PT5S", "redeliveryMultiplier", 3.0, "maximumRedeliveryDelay", "PT1M")));
    }

    @Test
    void invalidValuesFailTheActivation() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("maximumRedeliveries", -1),
                Map.of("redeliveryDelay", "2 seconds"), Map.of("redeliveryDelay", "-PT2S"),
                Map.of("redeliveryMultiplier", 0.5), Map.of("maximumRedeliveryDelay", ""))) {
            assertThrows(IllegalArgumentException.class, () -> redelivery(bad), bad::toString);
        }
    }
}
