package org.safeharbor.jurisdiction.us.il;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.tck.ConfigProxies;
import org.safeharbor.tck.RecordingStatusReporter;
import org.safeharbor.tck.SandboxFreeBundle;
import org.safeharbor.routes.JurisdictionPipeline;
import org.safeharbor.jurisdiction.support.v1.Redelivery;

/**
 * The adapter without the sandbox (the bundle has no intake of its own, and refuses http), what a sandbox peer's
 * service changes while it is there (it fills only what the operator left unset), and the built bundle, which
 * holds nothing of the sandbox.
 */
class IllinoisProductionConfigTest {

    private static final Clock CLOCK = Clock.systemUTC();
    /** What the Illinois sandbox bundle's peer supplies (IllinoisSandbox#settings). */
    private static final SandboxPeer SANDBOX = () -> Map.of("intakeUrl", "http://127.0.0.1:8091/us-il/intake",
            "statusUsername", "us-il-sandbox", ".statusPassword", "random-per-start");
    private static final Map<String, Object> CREDENTIALS = Map.of("statusUsername", "dcfs-scr", "_statusPassword", "s3cret");

    private final RecordingStatusReporter reporter = new RecordingStatusReporter();
    private final List<Dictionary<String, ?>> registered = new ArrayList<>();

    @Test
    void theBundleShipsNoSandboxPackageNoKeyAndNoTrustStore() {
        SandboxFreeBundle.assertSandboxFree(Path.of("target", "classes"));
    }

    @Test
    void withoutACredentialOutsideTheSandboxThereIsNoStatusServiceAndHttpIsRefused() throws Exception {
        assertTrue(refusal(Map.of("intakeUrl", " ")).contains("no intakeUrl configured"));
        assertTrue(refusal(Map.of("intakeUrl", "http://dcfs.example.gov/us-il/intake")).contains("https://"));
        // the sandbox peer's intake (http on 127.0.0.1:8091), written into the cfg by hand
        assertTrue(refusal(Map.of("intakeUrl", "http://127.0.0.1:8091/us-il/intake")).contains("refuses to start with sandbox endpoints"));
        // https on loopback (a local TLS proxy to the SCR) is the operator's design: allowed (delivered to in the sandbox module's IllinoisDeliveryTest)
        assertNull(refusal(Map.of("intakeUrl", "https://127.0.0.1:8091/us-il/intake", "trustStore", "/etc/proxy-trust.p12")));

        IllinoisAdapter production = new IllinoisAdapter(Configs.adapter(), Redelivery.DEFAULT, reporter, false);
        assertThrows(IllegalStateException.class, production::statusServlet, "no status service without a credential");
    }

    /** Why the adapter's routes, outside the sandbox, do not start with these values; null when they do. */
    private String refusal(Map<String, Object> values) throws Exception {
        IllinoisAdapter adapter = new IllinoisAdapter(Configs.adapter(values), Redelivery.DEFAULT, reporter, false);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(pathOf(adapter));
            return null;
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        } finally {
            adapter.close();
        }
    }

    @Test
    void inOsgiWithoutConfigurationOrSandboxTheComponentStartsButNeitherRoutesNorStatusServiceDo() throws Exception {
        // no cfg at all: DS gives the metatype defaults, and the bundle's intake default is empty
        IllinoisAdapter adapter = new IllinoisAdapter(ConfigProxies.of(IllinoisAdapter.Config.class, CREDENTIALS), ConfigProxies.defaults(RetryConfig.class), reporter,
                bundleContext(), null);
        try (DefaultCamelContext other = new DefaultCamelContext()) {
            Exception e = assertThrows(Exception.class, () -> other.addRoutes(pathOf(adapter)));
            assertTrue(String.valueOf(e.getMessage()).contains("no intakeUrl configured"), e::toString);
        }
        assertEquals(List.of(), registered, "no status service");
    }

    @Test
    void inOsgiTheSandboxPeerSuppliesItsIntakeAndCredentialsWhileThereIsNone() throws Exception {
        IllinoisAdapter adapter = new IllinoisAdapter(ConfigProxies.of(IllinoisAdapter.Config.class, Map.of()), ConfigProxies.defaults(RetryConfig.class), reporter,
                bundleContext(), SANDBOX);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(pathOf(adapter));
            assertTrue(endpoints(camel).stream().anyMatch(uri -> uri.contains("127.0.0.1:8091")), endpoints(camel)::toString);
        }
        // the peer's call-back credentials publish the status service
        assertEquals(1, registered.size());
        assertEquals(IllinoisStatusRoute.SERVLET_PATH, registered.get(0).get("safeharbor.http.path"));
    }

    @Test
    void inOsgiTheOperatorsOwnSettingsWinOverTheSandboxPeers() throws Exception {
        IllinoisAdapter adapter = new IllinoisAdapter(Configs.adapter(Map.of("intakeUrl", Configs.INTAKE_URL)), ConfigProxies.defaults(RetryConfig.class), reporter, bundleContext(), SANDBOX);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(pathOf(adapter));
            assertTrue(endpoints(camel).stream().anyMatch(uri -> uri.contains("scr.dcfs.example.gov")), endpoints(camel)::toString);
            assertTrue(endpoints(camel).stream().noneMatch(uri -> uri.contains("8091")), endpoints(camel)::toString);
        }
    }

    /** The path the core builds around the adapter (on in-memory queues). */
    private JurisdictionPipeline pathOf(IllinoisAdapter adapter) {
        return new JurisdictionPipeline(adapter, adapter, reporter, CLOCK, JurisdictionPipeline.Queues.inMemory());
    }

    private static List<String> endpoints(DefaultCamelContext camel) {
        return camel.getEndpoints().stream().map(Endpoint::getEndpointUri).toList();
    }

    /** Records the services the adapter registers (its status servlet). */
    private BundleContext bundleContext() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("registerService")) {
                        @SuppressWarnings("unchecked")
                        Dictionary<String, ?> properties = (Dictionary<String, ?>) args[2];
                        registered.add(properties);
                    }
                    return null;
                });
    }
}
