package org.safeharbor.jurisdiction.us.fl;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Config annotation instances outside OSGi: every attribute its default unless overridden (as Config Admin does). */
final class TestConfigs {

    private TestConfigs() {
    }

    /** The adapter's configuration with an operator's server and user (the bundle ships none), then these values. */
    static FloridaAdapter.Config florida(Map<String, Object> overrides) {
        Map<String, Object> values = new java.util.HashMap<>(Map.of("sftpHost", "sftp.dcf.example.gov", "sftpUsername", "safeharbor"));
        values.putAll(overrides);
        return config(FloridaAdapter.Config.class, values);
    }

    static FloridaAdapter.Config florida() {
        return florida(Map.of());
    }

    static <A> A config(Class<A> type, Map<String, Object> overrides) {
        for (String key : overrides.keySet()) {
            try {
                type.getMethod(key);
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException("no attribute " + key + " in " + type.getSimpleName());
            }
        }
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            String name = method.getName();
            if (overrides.containsKey(name)) {
                return overrides.get(name);
            }
            if (method.getDefaultValue() != null) {
                return method.getDefaultValue();
            }
            return switch (name) {
                case "annotationType" -> type;
                case "toString" -> type.getSimpleName() + overrides.keySet();
                case "hashCode" -> System.identityHashCode(self);
                case "equals" -> self == args[0];
                default -> throw new UnsupportedOperationException(name);
            };
        });
        return type.cast(proxy);
    }
}
