package org.safeharbor.jurisdiction.us.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.tck.ConfigProxies;
import org.safeharbor.tck.RecordingStatusReporter;
import org.safeharbor.tck.SandboxFreeBundle;
import org.safeharbor.routes.JurisdictionPipeline;

/**
 * The adapter without the sandbox (no endpoint or trust store of its own, https only), what a sandbox peer's service
 * changes while it is there (it fills only what the operator left unset), and the built bundle, which holds nothing
 * of the sandbox.
 */
class TexasProductionConfigTest {

    /** The retry keys of an empty cfg, as DS gives them to the component (the kit's RetryConfig). */
    private static final RetryConfig RETRY = ConfigProxies.defaults(RetryConfig.class);

    /** What the Texas sandbox bundle's peers supply (TexasSandbox#settings), less the trust store file. */
    private static final SandboxPeer SANDBOX = () -> Map.of("cpsIntakeUrl", "https://localhost:8743/cps/intake",
            "lawEnforcementUrl", "https://localhost:8744/law-enforcement/notifications", ".statusToken", "random-per-start");

    private final RecordingStatusReporter reporter = new RecordingStatusReporter();

    @Test
    void theBundleShipsNoSandboxPackageNoKeyAndNoTrustStore() {
        SandboxFreeBundle.assertSandboxFree(Path.of("target", "classes"));
    }

    @Test
    void withoutEndpointsItRefusesHttpIsRefusedAlwaysAndWithoutACredentialThereIsNoStatusEndpoint() {
        TexasConfig none = ConfigProxies.of(TexasConfig.class, Map.of());
        assertEquals("", none.cpsIntakeUrl(), "the bundle ships no endpoint");
        assertEquals("", none.trustStore(), "nor a trust store");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TexasAdapter(none, Redelivery.DEFAULT, reporter));
        assertTrue(e.getMessage().contains("no cpsIntakeUrl or lawEnforcementUrl configured"), e.getMessage());
        // http is refused in every case
        assertThrows(IllegalArgumentException.class, () -> new TexasAdapter(TestSupport.adapter(
                Map.of("cpsIntakeUrl", "http://cps.example.gov/intake")), Redelivery.DEFAULT, reporter));
        // https on this machine's loopback (a local TLS proxy) is not refused for its host: the sandbox module's
        // TexasDeliveryTest delivers there with the operator's own trust store
        new TexasAdapter(TestSupport.adapter(Map.of("cpsIntakeUrl", "https://127.0.0.1:8743/cps/intake")), Redelivery.DEFAULT, reporter);
        TexasAdapter production = new TexasAdapter(TestSupport.defaults(), Redelivery.DEFAULT, reporter);
        assertFalse(production.statusEndpointEnabled(), "no credential: no status endpoint");
    }

    @Test
    void inOsgiWithoutConfigurationOrSandboxTheComponentStartsButItsRoutesAreRefused() throws Exception {
        TexasAdapter adapter = new TexasAdapter(ConfigProxies.of(TexasConfig.class, Map.of()), RETRY, reporter, (SandboxPeer) null);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exception e = assertThrows(Exception.class, () -> camel.addRoutes(pathOf(adapter)));
            assertTrue(String.valueOf(e.getMessage()).contains("no cpsIntakeUrl or lawEnforcementUrl configured"), e::toString);
        }
    }

    @Test
    void inOsgiTheSandboxPeersSupplyTheirEndpointsAndTokenWhileTheOperatorSetNone() throws Exception {
        TexasAdapter adapter = new TexasAdapter(ConfigProxies.of(TexasConfig.class, Map.of()), RETRY, reporter, SANDBOX);
        assertTrue(adapter.statusEndpointEnabled(), "the peers' token");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(pathOf(adapter));
            assertTrue(endpoints(camel).stream().anyMatch(uri -> uri.contains("localhost:8743/cps/intake")), endpoints(camel)::toString);
        }
        // the operator's own endpoints win
        TexasAdapter own = new TexasAdapter(TestSupport.defaults(), RETRY, reporter, SANDBOX);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(pathOf(own));
            assertTrue(endpoints(camel).stream().anyMatch(uri -> uri.contains("cps.example.gov")), endpoints(camel)::toString);
            assertTrue(endpoints(camel).stream().noneMatch(uri -> uri.contains("8743")), endpoints(camel)::toString);
        }
    }

    /** Where the routes send: their definitions (the HTTPS endpoints are resolved when the routes start). */
    private static List<String> endpoints(DefaultCamelContext camel) {
        return camel.getRouteDefinitions().stream().map(Object::toString).toList();
    }

    /** The path the core builds around the adapter (on in-memory queues). */
    private JurisdictionPipeline pathOf(TexasAdapter adapter) {
        return new JurisdictionPipeline(adapter, adapter, reporter, TestSupport.CLOCK, JurisdictionPipeline.Queues.inMemory());
    }
}
