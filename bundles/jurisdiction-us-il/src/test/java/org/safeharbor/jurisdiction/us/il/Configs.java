package org.safeharbor.jurisdiction.us.il;

import java.util.HashMap;
import java.util.Map;

import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.tck.ConfigProxies;

/** The adapter's configuration in the tests, as an operator would give it (the kit's {@link ConfigProxies}). */
public final class Configs {

    private Configs() {
    }

    /** An operator's https SCR intake: the adapter has no default, and refuses to deliver without one. */
    public static final String INTAKE_URL = "https://scr.dcfs.example.gov/us-il/intake";

    /** The adapter's configuration: these values, {@link #INTAKE_URL} unless they name one, else the defaults. */
    public static IllinoisAdapter.Config adapter(Map<String, Object> values) {
        Map<String, Object> withIntake = new HashMap<>(values);
        withIntake.putIfAbsent("intakeUrl", INTAKE_URL);
        return ConfigProxies.of(IllinoisAdapter.Config.class, withIntake, RetryConfig.class);
    }

    /** The retry policy the adapter reads from the same values (the kit's {@link RetryConfig}), else the defaults. */
    public static Redelivery redelivery(Map<String, Object> values) {
        return Redelivery.of(IllinoisAdapter.PID, ConfigProxies.of(RetryConfig.class, values, IllinoisAdapter.Config.class));
    }

    public static IllinoisAdapter.Config adapter() {
        return adapter(Map.of());
    }
}
