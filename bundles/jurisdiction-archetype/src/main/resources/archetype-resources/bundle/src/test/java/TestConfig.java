package ${package};

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** Configurations outside OSGi: an annotation's metatype defaults with some values over them. */
public final class TestConfig {

    /** An intake URL as an operator's cfg names it: the bundle ships none. */
    public static final String INTAKE_URL = "https://intake.example.gov/reports";

    private TestConfig() {
    }

    /** The adapter's configuration: {@link #INTAKE_URL}, these values over it, else the defaults. */
    public static StateAdapter.Config with(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(Map.of("intakeUrl", INTAKE_URL));
        values.putAll(overrides);
        return of(StateAdapter.Config.class, values);
    }

    /** Any configuration annotation: these values, else its defaults. */
    public static <A> A of(Class<A> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> switch (method.getName()) {
            case "annotationType" -> type;
            case "toString" -> type.getSimpleName() + values;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue();
        }));
    }
}
