package org.safeharbor.jurisdiction.us.fl;

import java.util.HashMap;
import java.util.Map;

import org.safeharbor.tck.ConfigProxies;

/** The adapter's configuration in the tests, as an operator would give it (the kit's {@link ConfigProxies}). */
final class TestConfigs {

    private TestConfigs() {
    }

    /** The adapter's configuration with an operator's server and user (the bundle ships none), then these values. */
    static FloridaConfig florida(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(Map.of("sftpHost", "sftp.dcf.example.gov", "sftpUsername", "safeharbor"));
        values.putAll(overrides);
        return ConfigProxies.of(FloridaConfig.class, values);
    }

    static FloridaConfig florida() {
        return florida(Map.of());
    }
}
