package org.safeharbor.jurisdiction.support.v1;

import java.util.concurrent.Callable;

import org.apache.camel.CamelContext;

/**
 * Runs code with the platform bundle's class loader as the thread context class loader. Camel, Jetty, CXF and JAXB
 * find their plug-ins (META-INF/services) through it, and in Karaf those files live in the jars the platform bundle
 * embeds; a state bundle's own class loader cannot see them. Outside OSGi (unit tests) it is the ordinary class path.
 */
public final class PlatformClassLoader {

    /** The platform bundle's class loader (the one that loaded Camel). */
    public static final ClassLoader LOADER = CamelContext.class.getClassLoader();

    private PlatformClassLoader() {
    }

    /** Calls {@code work} with {@link #LOADER} as the context class loader, and restores the previous one. */
    public static <T> T call(Callable<T> work) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(LOADER);
        try {
            return work.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** As {@link #call}, for work with no result. */
    public static void run(Work work) throws Exception {
        call(() -> {
            work.run();
            return null;
        });
    }

    /** Work that may throw. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }
}
