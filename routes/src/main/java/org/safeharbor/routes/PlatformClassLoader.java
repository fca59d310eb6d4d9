package org.safeharbor.routes;

import java.util.concurrent.Callable;

import org.apache.camel.CamelContext;

/**
 * Runs start-up code with the platform bundle's class loader as the thread context class loader.
 * Camel, Jetty, CXF and JAXB look up their plug-ins (META-INF/services) through it, and in OSGi
 * those files live inside the platform bundle's embedded jars.
 */
final class PlatformClassLoader {

    static final ClassLoader LOADER = CamelContext.class.getClassLoader();

    private PlatformClassLoader() {
    }

    static <T> T call(Callable<T> work) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(LOADER);
        try {
            return work.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    static void run(ThrowingRunnable work) throws Exception {
        call(() -> {
            work.run();
            return null;
        });
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
