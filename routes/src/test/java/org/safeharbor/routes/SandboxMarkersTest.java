package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;

/**
 * Sandbox components are found by their service property alone, in a real OSGi service registry (an
 * embedded Felix, the framework Karaf runs): any service class, registered and unregistered at run
 * time; the first one logged once as a WARN; in the production profile each one an ERROR.
 */
class SandboxMarkersTest {

    @TempDir
    Path storage;

    private Framework framework;
    private BundleContext context;
    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startFramework() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(config);
        framework.start();
        context = framework.getBundleContext();
    }

    @AfterEach
    void stopFramework() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    @Test
    void tracksEveryServiceWithTheSandboxPropertyWhateverItsClass() throws Exception {
        SandboxMarkers markers = new SandboxMarkers(false, recordingLogger());
        ServiceTracker<Object, String> tracker = markers.track(context);
        try {
            // not a sandbox component: no property
            context.registerService(Runnable.class, () -> { }, null);
            assertEquals(Set.of(), markers.jurisdictions());

            ServiceRegistration<Runnable> massachusetts = context.registerService(Runnable.class, () -> { }, sandbox("US-MA"));
            ServiceRegistration<?> illinois = context.registerService(Supplier.class, () -> "soap", sandbox("US-IL"));
            assertEquals(Set.of("US-IL", "US-MA"), markers.jurisdictions());

            // the health report while they are there
            HealthCheck.Result report = report(markers);
            assertEquals(true, report.body().get("sandbox"));
            assertEquals(List.of("US-IL", "US-MA"), report.body().get("sandboxes"));
            assertTrue(report.up(), "outside production the sandbox is allowed");

            massachusetts.unregister();
            assertEquals(Set.of("US-IL"), markers.jurisdictions());
            illinois.unregister();
            assertEquals(Set.of(), markers.jurisdictions());
            assertEquals(false, report(markers).body().get("sandbox"));

            // warned once, for the first; no error outside production
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("SANDBOX"), warnings.toString());
            assertEquals(List.of(), errors);
        } finally {
            tracker.close();
        }
    }

    @Test
    void alreadyRegisteredComponentsAreFoundWhenTrackingStarts() throws Exception {
        context.registerService(Runnable.class, () -> { }, sandbox("US-TX"));

        SandboxMarkers markers = new SandboxMarkers(false, recordingLogger());
        ServiceTracker<Object, String> tracker = markers.track(context);
        try {
            assertEquals(Set.of("US-TX"), markers.jurisdictions());
        } finally {
            tracker.close();
        }
    }

    @Test
    void productionProfileLogsAnErrorAndReportsDown() throws Exception {
        SandboxMarkers markers = new SandboxMarkers(true, recordingLogger());
        ServiceTracker<Object, String> tracker = markers.track(context);
        try {
            assertTrue(report(markers).up());

            ServiceRegistration<Runnable> florida = context.registerService(Runnable.class, () -> { }, sandbox("US-FL"));
            context.registerService(Runnable.class, () -> { }, sandbox("US-MA"));

            HealthCheck.Result report = report(markers);
            assertEquals(false, report.up());
            assertEquals("DOWN", report.body().get("status"));
            assertEquals(true, report.body().get("sandbox"));
            assertEquals(2, errors.size(), errors.toString());
            assertTrue(errors.get(0).contains("PRODUCTION"), errors.toString());
            assertEquals(1, warnings.size(), warnings.toString());

            florida.unregister();
            assertEquals(false, report(markers).up(), "still one sandbox component");
        } finally {
            tracker.close();
        }
        // closing the tracker (the component going away) forgets them
        assertEquals(Set.of(), markers.jurisdictions());
    }

    @Test
    void switchingToProductionWithASandboxPresentIsAnError() throws Exception {
        SandboxMarkers markers = new SandboxMarkers(false, recordingLogger());
        ServiceTracker<Object, String> tracker = markers.track(context);
        try {
            context.registerService(Runnable.class, () -> { }, sandbox("US-IL"));
            assertEquals(List.of(), errors);

            markers.setProduction(true);

            assertEquals(1, errors.size(), errors.toString());
            assertEquals(false, report(markers).up());
        } finally {
            tracker.close();
        }
    }

    @Test
    void profileValue() {
        assertTrue(HealthEndpoint.isProduction("production"));
        assertTrue(HealthEndpoint.isProduction(" Production "));
        assertEquals(false, HealthEndpoint.isProduction("standard"));
        assertEquals(false, HealthEndpoint.isProduction(""));
        assertEquals(false, HealthEndpoint.isProduction(null));
    }

    // ---------------------------------------------------------------- helpers

    private static Dictionary<String, Object> sandbox(String jurisdiction) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(SandboxMarkers.PROPERTY, jurisdiction);
        return properties;
    }

    /** The health report with everything else UP. */
    private static HealthCheck.Result report(SandboxMarkers markers) throws Exception {
        org.apache.camel.impl.DefaultCamelContext camel = new org.apache.camel.impl.DefaultCamelContext();
        camel.start();
        try {
            org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
            h2.setURL("jdbc:h2:mem:sandbox-markers;DB_CLOSE_DELAY=-1");
            return new HealthCheck(camel, () -> true, () -> h2, List::of, markers::jurisdictions, markers::production).check();
        } finally {
            camel.stop();
        }
    }

    /** An SLF4J logger that records the WARN and ERROR messages (format strings). */
    private Logger recordingLogger() {
        return (Logger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Logger.class}, (proxy, method, args) -> {
            if (method.getName().equals("warn") && args != null && args[0] instanceof String message) {
                warnings.add(message);
            } else if (method.getName().equals("error") && args != null && args[0] instanceof String message) {
                errors.add(message);
            }
            Class<?> type = method.getReturnType();
            if (type == boolean.class) {
                return true;
            }
            return type == String.class ? "test" : null;
        });
    }
}
