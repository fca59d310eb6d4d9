package org.safeharbor.jurisdiction.us.ma;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import org.safeharbor.jurisdiction.support.v1.NoticeRoutes;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;

/** The adapter's configuration as DS would build it: the annotation's defaults, with some keys overridden. */
final class TestConfig {

    /** DCF's https endpoints of an operator's configuration: the bundle ships none. */
    static final Map<String, Object> ENDPOINTS = Map.of("reportUrl", "https://dcf.example.gov/51a/reports",
            "districtAttorneyUrl", "https://da.example.gov/notifications", "lawEnforcementUrl", "https://police.example.gov/notifications");

    private TestConfig() {
    }

    /** The adapter outside OSGi, on the system clock, with the retry policy of the same configuration. */
    static MassachusettsAdapter adapter(MassachusettsConfig config, org.safeharbor.api.v1.StatusReporter reporter) {
        return new MassachusettsAdapter(config, redelivery(config), reporter, java.time.Clock.systemUTC(),
                NoticeRoutes.Queues.onTheBroker(org.safeharbor.api.v1.Jurisdiction.of(MassachusettsAdapter.CODE)));
    }

    /** The retry policy the configuration's retry keys give (DS reads them into the kit's RetryConfig from the same cfg). */
    static Redelivery redelivery(MassachusettsConfig config) {
        return Redelivery.of(MassachusettsAdapter.PID, (RetryConfig) config);
    }

    /** {@link #ENDPOINTS} over the metatype defaults. */
    static MassachusettsConfig defaults() {
        return with(Map.of());
    }

    /**
     * {@link #ENDPOINTS}, these values over them, else the metatype defaults. {@code overrides} is keyed by the
     * annotation's method names, e.g. {@code reportUrl}, {@code _password}.
     */
    static MassachusettsConfig with(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(ENDPOINTS);
        values.putAll(overrides);
        return of(MassachusettsConfig.class, values);
    }

    /** Any component property type, with its defaults and these overrides; also the kit's RetryConfig, as DS reads one cfg into both. */
    static <A> A of(Class<A> type, Map<String, Object> overrides) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), java.util.stream.Stream.of(type, RetryConfig.class).distinct().toArray(Class<?>[]::new), (proxy, method, args) -> {
                    String name = method.getName();
                    if (overrides.containsKey(name)) {
                        return overrides.get(name);
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    return switch (name) {
                        case "annotationType" -> type;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "TestConfig" + overrides.keySet();
                        default -> throw new UnsupportedOperationException(name);
                    };
                }));
    }
}
