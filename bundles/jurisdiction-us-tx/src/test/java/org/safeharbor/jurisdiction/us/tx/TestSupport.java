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

    static TexasAdapter.Config defaults() {
        return config(TexasAdapter.Config.class, Map.of());
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
