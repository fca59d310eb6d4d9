package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.tck.ConfigProxies;
import org.safeharbor.tck.RecordingStatusReporter;

/** The retry policy of the receiving route comes from the configuration (the retry keys: the kit's RetryConfig). */
class FloridaRedeliveryConfigTest {

    /** What the component gets in OSGi: one cfg read into FloridaConfig and the kit's RetryConfig (a sandbox peer: no credential needed). */
    private static Redelivery redelivery(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(Map.of("sftpHost", "sftp.dcf.example.gov", "sftpUsername", "safeharbor"));
        values.putAll(overrides);
        FloridaAdapter adapter = new FloridaAdapter(ConfigProxies.of(FloridaConfig.class, values, RetryConfig.class),
                ConfigProxies.of(RetryConfig.class, values, FloridaConfig.class), new RecordingStatusReporter(), null, null, Map::of);
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
