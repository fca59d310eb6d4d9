package org.safeharbor.jurisdiction.us.ma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.tck.SandboxFreeBundle;
import org.safeharbor.routes.JurisdictionPipeline;

/**
 * The adapter without the sandbox (no endpoint or trust store of its own, https only), what a sandbox peer's service
 * changes while it is there (it fills only what the operator left unset), and the built bundle, which holds nothing
 * of the sandbox.
 */
class MassachusettsProductionConfigTest {

    /** What the Massachusetts sandbox bundle's peer supplies (MassachusettsSandbox#settings), less the trust store file. */
    private static final SandboxPeer SANDBOX = () -> Map.of("reportUrl", "https://localhost:9443/dcf/51a/reports",
            "districtAttorneyUrl", "https://localhost:9443/da/notifications",
            "lawEnforcementUrl", "https://localhost:9443/law-enforcement/notifications", ".statusToken", "random-per-start");

    /** The retry keys at their defaults, as DS gives them from a cfg without them. */
    private static final RetryConfig RETRY = TestConfig.of(RetryConfig.class, Map.of());

    private final RecordingReporter reporter = new RecordingReporter();

    @Test
    void theBundleShipsNoSandboxPackageNoKeyAndNoTrustStore() {
        SandboxFreeBundle.assertSandboxFree(Path.of("target", "classes"));
    }

    @Test
    void withoutEndpointsItRefusesHttpIsRefusedAlwaysAndWithoutACredentialThereIsNoStatusEndpoint() {
        MassachusettsConfig none = TestConfig.of(MassachusettsConfig.class, Map.of());
        assertEquals("", none.reportUrl(), "the bundle ships no endpoint");
        assertEquals("", none.districtAttorneyUrl());
        assertEquals("", none.lawEnforcementUrl());
        assertEquals("", none.trustStore(), "nor a trust store");
        assertEquals("", none._trustStorePassword());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestConfig.adapter(none, reporter));
        assertTrue(e.getMessage().contains("no reportUrl configured"), e.getMessage());
        // the notice endpoints are needed only where the adapter carries DCF's notices
        TestConfig.adapter(TestConfig.of(MassachusettsConfig.class, Map.of("reportUrl", "https://dcf.example.gov/51a")), reporter);
        IllegalArgumentException notices = assertThrows(IllegalArgumentException.class, () -> TestConfig.adapter(
                TestConfig.of(MassachusettsConfig.class, Map.of("reportUrl", "https://dcf.example.gov/51a",
                        "departmentNoticesOn", "SCREENED_IN")), reporter));
        assertTrue(notices.getMessage().contains("no districtAttorneyUrl configured"), notices.getMessage());
        // the trust store the sandbox's cfg used to name (inside the bundle) is not there
        IllegalArgumentException trust = assertThrows(IllegalArgumentException.class, () -> TestConfig.adapter(
                TestConfig.with(Map.of("trustStore", "classpath:sandbox/us-ma-sandbox.p12", "_trustStorePassword", "us-ma-sandbox")), reporter));
        assertTrue(trust.getMessage().contains("classpath:sandbox/us-ma-sandbox.p12"), trust.getMessage());
        // http is refused in every case
        assertThrows(IllegalArgumentException.class, () -> TestConfig.adapter(TestConfig.with(
                Map.of("reportUrl", "http://dcf.example.gov/51a")), reporter));
        // https on this machine's loopback (a local TLS proxy to DCF) is not refused for its host: the sandbox module's
        // DeliveryTest delivers there with the operator's own trust store
        TestConfig.adapter(TestConfig.with(Map.of("reportUrl", "https://127.0.0.1:9443/dcf/51a/reports")), reporter);
        MassachusettsAdapter production = TestConfig.adapter(TestConfig.defaults(), reporter);
        assertFalse(production.statusEndpointEnabled(), "no credential: no status endpoint");
    }

    @Test
    void inOsgiWithoutConfigurationOrSandboxTheComponentStartsButItsRoutesAreRefused() throws Exception {
        // so that the sandbox arriving later re-creates it (DS does not retry a component that failed to activate)
        MassachusettsAdapter adapter = new MassachusettsAdapter(TestConfig.of(MassachusettsConfig.class, Map.of()), RETRY,
                reporter, (SandboxPeer) null);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exception e = assertThrows(Exception.class, () -> camel.addRoutes(pathOf(adapter)));
            assertTrue(String.valueOf(e.getMessage()).contains("no reportUrl configured"), e::toString);
        }
    }

    @Test
    void inOsgiTheSandboxPeerSuppliesItsEndpointsAndTokenWhileTheOperatorSetNone() throws Exception {
        MassachusettsAdapter adapter = new MassachusettsAdapter(TestConfig.of(MassachusettsConfig.class, Map.of()), RETRY, reporter, SANDBOX);
        assertTrue(adapter.statusEndpointEnabled(), "the peer's token");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(pathOf(adapter));
            assertTrue(endpoints(camel).stream().anyMatch(uri -> uri.contains("localhost:9443/dcf/51a/reports")), endpoints(camel)::toString);
            assertTrue(endpoints(camel).stream().anyMatch(uri -> uri.contains("localhost:9443/da/notifications")), endpoints(camel)::toString);
        }
        // the operator's own endpoints win
        MassachusettsAdapter own = new MassachusettsAdapter(TestConfig.defaults(), RETRY, reporter, SANDBOX);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(pathOf(own));
            assertTrue(endpoints(camel).stream().anyMatch(uri -> uri.contains("dcf.example.gov")), endpoints(camel)::toString);
            assertTrue(endpoints(camel).stream().noneMatch(uri -> uri.contains("9443")), endpoints(camel)::toString);
        }
    }

    /** Where the routes send: their definitions (the HTTPS endpoints are resolved when the routes start). */
    private static List<String> endpoints(DefaultCamelContext camel) {
        return camel.getRouteDefinitions().stream().map(Object::toString).toList();
    }

    /** The path the core builds around the adapter (on in-memory queues). */
    private static JurisdictionPipeline pathOf(MassachusettsAdapter adapter) {
        return new JurisdictionPipeline(adapter, adapter, new RecordingReporter(), java.time.Clock.systemUTC(),
                JurisdictionPipeline.Queues.inMemory());
    }
}
