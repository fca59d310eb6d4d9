package org.safeharbor.tck;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Instances of a Declarative Services configuration annotation (a component's {@code @interface Config}) outside
 * OSGi, as DS builds them from a configuration: each attribute returns the value given for it, else its declared
 * default. Keys are the annotation's method names (e.g. {@code _password}); a key the annotation has no attribute for
 * is refused, so a misspelt override cannot silently leave the default in place. Values are returned as given, with
 * no conversion: give an {@code int} attribute an {@code Integer}.
 */
public final class ConfigProxies {

    private ConfigProxies() {
    }

    /** The configuration: {@code values} over the annotation's defaults. */
    public static <A> A of(Class<A> type, Map<String, ?> values) {
        if (!type.isAnnotation()) {
            throw new IllegalArgumentException(type.getName() + " is not a configuration annotation");
        }
        for (String key : values.keySet()) {
            if (!hasAttribute(type, key)) {
                throw new IllegalArgumentException("no attribute " + key + " in " + type.getSimpleName());
            }
        }
        Map<String, ?> copy = java.util.Collections.unmodifiableMap(new java.util.HashMap<>(values));
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            String name = method.getName();
            if (method.getParameterCount() == 0 && copy.containsKey(name)) {
                return copy.get(name);
            }
            if (method.getDefaultValue() != null) {
                return method.getDefaultValue();
            }
            return switch (name) {
                case "annotationType" -> type;
                case "toString" -> type.getSimpleName() + copy.keySet();
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new IllegalStateException("no value for " + name + " of " + type.getSimpleName()
                        + ", which declares no default");
            };
        }));
    }

    /**
     * One configuration read into several component property types, as DS 1.4 gives an {@code @Activate} constructor
     * (e.g. a state's {@code Config} and the kit's {@code RetryConfig}): {@code type} gets the keys it has; a key that
     * neither it nor any of {@code alsoReading} has is refused.
     */
    public static <A> A of(Class<A> type, Map<String, ?> values, Class<?>... alsoReading) {
        Map<String, Object> own = new java.util.HashMap<>();
        values.forEach((key, value) -> {
            if (hasAttribute(type, key)) {
                own.put(key, value);
            } else if (java.util.Arrays.stream(alsoReading).noneMatch(other -> hasAttribute(other, key))) {
                throw new IllegalArgumentException("no attribute " + key + " in " + type.getSimpleName());
            }
        });
        return of(type, own);
    }

    /** The configuration with every attribute at its default. */
    public static <A> A defaults(Class<A> type) {
        return of(type, Map.of());
    }

    private static boolean hasAttribute(Class<?> type, String name) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == 0) {
                return true;
            }
        }
        return false;
    }
}
