package org.safeharbor.jurisdiction.us.il;

import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Instances of metatype configuration annotations outside OSGi, as DS would build them from a PID:
 * each method returns the given value, or its declared default.
 */
public final class Configs {

    private Configs() {
    }

    /** An operator's https SCR intake: the adapter has no default, and refuses to deliver without one. */
    public static final String INTAKE_URL = "https://scr.dcfs.example.gov/us-il/intake";

    /** The adapter's configuration: these values, {@link #INTAKE_URL} unless they name one, else the defaults. */
    public static IllinoisAdapter.Config adapter(Map<String, Object> values) {
        Map<String, Object> withIntake = new java.util.HashMap<>(values);
        withIntake.putIfAbsent("intakeUrl", INTAKE_URL);
        return of(IllinoisAdapter.Config.class, withIntake);
    }

    public static IllinoisAdapter.Config adapter() {
        return adapter(Map.of());
    }

    public static <A> A of(Class<A> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            String name = method.getName();
            if (values.containsKey(name)) {
                return values.get(name);
            }
            if (method.getDefaultValue() != null) {
                return method.getDefaultValue();
            }
            return switch (name) {
                case "annotationType" -> type;
                case "toString" -> type.getSimpleName() + values.keySet();
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new IllegalStateException("no value for " + name);
            };
        }));
    }
}
