package org.safeharbor.jurisdiction.us.tx;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;

/** Helpers shared by the tests: configuration instances outside OSGi and a recording StatusReporter. */
final class TestSupport {

    /** The tests' "now": the conformance kit's report day, so the numbers read TX-...-2026-... */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:20:00Z"), ZoneOffset.UTC);

    private TestSupport() {
    }

    /** A configuration annotation instance: the metatype defaults, with some values overridden. */
    static <A> A config(Class<A> type, Map<String, Object> overrides) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "annotationType":
                    return type;
                case "toString":
                    return type.getSimpleName() + overrides;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    return overrides.containsKey(method.getName()) ? overrides.get(method.getName()) : method.getDefaultValue();
            }
        }));
    }

    /** The agencies' https endpoints of an operator's configuration: the bundle ships none. */
    static final Map<String, Object> ENDPOINTS = Map.of("cpsIntakeUrl", "https://cps.example.gov/intake",
            "lawEnforcementUrl", "https://le.example.gov/notifications");

    /** The adapter's configuration: {@link #ENDPOINTS}, these values over them, else the metatype defaults. */
    static TexasAdapter.Config adapter(Map<String, Object> overrides) {
        Map<String, Object> values = new java.util.HashMap<>(ENDPOINTS);
        values.putAll(overrides);
        return config(TexasAdapter.Config.class, values);
    }

    static TexasAdapter.Config defaults() {
        return adapter(Map.of());
    }

    /** Records every status, in order. */
    static final class RecordingReporter extends org.safeharbor.tck.RecordedAttempts {
        private final List<StatusUpdate> updates = new ArrayList<>();

        @Override
        public synchronized void report(StatusUpdate update) {
            updates.add(update);
        }

        synchronized List<StatusUpdate> updates() {
            return List.copyOf(updates);
        }
    }
}
