package org.safeharbor.jurisdiction.us.tx;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.tck.ConfigProxies;

/** The tests' clock and the adapter's configuration as an operator would give it (the kit's {@link ConfigProxies}). */
final class TestSupport {

    /** The tests' "now": the conformance kit's report day, so the numbers read TX-...-2026-... */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:20:00Z"), ZoneOffset.UTC);

    private TestSupport() {
    }

    /** The agencies' https endpoints of an operator's configuration: the bundle ships none. */
    static final Map<String, Object> ENDPOINTS = Map.of("cpsIntakeUrl", "https://cps.example.gov/intake",
            "lawEnforcementUrl", "https://le.example.gov/notifications");

    /** The adapter's configuration: {@link #ENDPOINTS}, these values over them, else the metatype defaults. */
    static TexasConfig adapter(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(ENDPOINTS);
        values.putAll(overrides);
        return ConfigProxies.of(TexasConfig.class, values, RetryConfig.class);
    }

    /** The retry policy the adapter reads from the same values (the kit's {@link RetryConfig}), else the defaults. */
    static Redelivery redelivery(Map<String, Object> values) {
        return Redelivery.of(TexasAdapter.PID, ConfigProxies.of(RetryConfig.class, values, TexasConfig.class));
    }

    static TexasConfig defaults() {
        return adapter(Map.of());
    }
}
