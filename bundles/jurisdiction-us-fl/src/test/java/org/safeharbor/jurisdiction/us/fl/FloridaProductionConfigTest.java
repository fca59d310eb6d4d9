package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.Endpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.tck.ConfigProxies;
import org.safeharbor.tck.RecordingStatusReporter;
import org.safeharbor.tck.SandboxFreeBundle;
import org.safeharbor.routes.JurisdictionPipeline;
import org.safeharbor.store.StoreCipher;
import org.safeharbor.store.StoreKeys;

/**
 * Outside the sandbox the Florida adapter refuses what only the sandbox may do (an unchecked host key, a local server,
 * no credential) and has no server of its own; a sandbox peer's service fills only what the operator left unset; the
 * built bundle holds nothing of the sandbox.
 */
class FloridaProductionConfigTest {

    /** What the Florida sandbox bundle's peer supplies (FloridaSandbox#settings). */
    private static final SandboxPeer SANDBOX = () -> Map.of("sftpHost", "127.0.0.1", "sftpPort", "2222",
            "sftpUsername", "safeharbor", ".sftpPassword", "sandbox");

    /** Where the routes keep their batches (none is started here). */
    private static final DataSource DATABASE = TestDatabase.withBatchTables();
    private static final StoreCipher CIPHER = new StoreCipher(StoreKeys.inMemory());
    /** The retry keys of an empty cfg, as DS gives them to the component (the kit's RetryConfig). */
    private static final RetryConfig RETRY = ConfigProxies.defaults(RetryConfig.class);

    @TempDir
    Path temp;

    private FloridaAdapter production(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(Map.of("sftpUsername", "safeharbor"));
        values.putAll(overrides);
        return new FloridaAdapter(TestConfigs.florida(values), new RecordingStatusReporter(), null, Clock.systemUTC(), false);
    }

    @Test
    void theBundleShipsNoSandboxPackageNoKeyAndNoTrustStore() {
        SandboxFreeBundle.assertSandboxFree(Path.of("target", "classes"));
    }

    @Test
    void withoutAKnownHostsFileOutsideTheSandboxItRefusesToStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> production(Map.of("sftpHost", "sftp.dcf.example.gov", "_sftpPassword", "secret")));
        assertTrue(e.getMessage().contains("knownHostsFile is required"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> production(Map.of("sftpHost", "sftp.dcf.example.gov",
                "_sftpPassword", "secret", "knownHostsFile", temp.resolve("missing").toString())));
    }

    @Test
    void theSandboxServerAndAMissingCredentialAreRefusedOutsideTheSandbox() throws Exception {
        Path knownHosts = Files.writeString(temp.resolve("known_hosts"), "sftp.dcf.example.gov ssh-ed25519 AAAA\n");
        IllegalArgumentException local = assertThrows(IllegalArgumentException.class, () -> production(Map.of(
                "sftpHost", "127.0.0.1", "knownHostsFile", knownHosts.toString(), "_sftpPassword", "secret")));
        assertTrue(local.getMessage().contains("refuses to start with sandbox endpoints"), local.getMessage());
        IllegalArgumentException noPassword = assertThrows(IllegalArgumentException.class, () -> production(Map.of(
                "sftpHost", "sftp.dcf.example.gov", "knownHostsFile", knownHosts.toString())));
        assertTrue(noPassword.getMessage().contains("no SFTP credential"), noPassword.getMessage());
        // the state's server, its host key, a credential: it starts
        production(Map.of("sftpHost", "sftp.dcf.example.gov", "knownHostsFile", knownHosts.toString(), "_sftpPassword", "secret"));
        production(Map.of("sftpHost", "sftp.dcf.example.gov", "knownHostsFile", knownHosts.toString(), "privateKeyFile", "/etc/dcf_key"));
    }

    @Test
    void noServerUserOrPasswordShipsAsADefault() {
        FloridaConfig defaults = ConfigProxies.of(FloridaConfig.class, Map.of());
        assertEquals("", defaults.sftpHost());
        assertEquals("", defaults.sftpUsername());
        assertEquals(22, defaults.sftpPort(), "SFTP's own port, not the sandbox peer's");
        assertTrue(defaults._sftpPassword().isEmpty());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new FloridaAdapter(
                unset(), new RecordingStatusReporter(), null, Clock.systemUTC(), true));
        assertTrue(none.getMessage().contains("no SFTP server configured"), none.getMessage());
    }

    @Test
    void inOsgiWithoutTheSandboxTheComponentStartsButItsRoutesAreRefused() throws Exception {
        FloridaAdapter adapter = new FloridaAdapter(unset(), RETRY, new RecordingStatusReporter(), DATABASE, CIPHER, (SandboxPeer) null);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exception e = assertThrows(Exception.class, () -> camel.addRoutes(pathOf(adapter)));
            assertTrue(String.valueOf(e.getMessage()).contains("no SFTP server configured"), e::toString);
        }
        FloridaAdapter noHostKey = new FloridaAdapter(TestConfigs.florida(Map.of("_sftpPassword", "secret")), RETRY, new RecordingStatusReporter(),
                DATABASE, CIPHER, (SandboxPeer) null);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exception e = assertThrows(Exception.class, () -> camel.addRoutes(pathOf(noHostKey)));
            assertTrue(String.valueOf(e.getMessage()).contains("knownHostsFile is required"), e::toString);
        }
    }

    @Test
    void inOsgiTheSandboxPeerSuppliesItsServerAndCredentialWhileTheOperatorSetNone() throws Exception {
        FloridaAdapter adapter = new FloridaAdapter(unset(), RETRY, new RecordingStatusReporter(), DATABASE, CIPHER, SANDBOX);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(pathOf(adapter));
            assertTrue(endpoints(camel).stream().anyMatch(uri -> uri.startsWith("sftp://127.0.0.1:2222")), endpoints(camel)::toString);
        } finally {
            adapter.deactivate();
        }
        // the operator's own server wins (and, in the sandbox, is not checked further)
        FloridaAdapter own = new FloridaAdapter(ConfigProxies.of(FloridaConfig.class, Map.of(
                "sftpHost", "sftp.dcf.example.gov", "sftpPort", 2022)), RETRY, new RecordingStatusReporter(), DATABASE, CIPHER, SANDBOX);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(pathOf(own));
            assertTrue(endpoints(camel).stream().anyMatch(uri -> uri.startsWith("sftp://sftp.dcf.example.gov:2022")), endpoints(camel)::toString);
        } finally {
            own.deactivate();
        }
    }

    /** No cfg: the bundle's own defaults. */
    private static FloridaConfig unset() {
        return ConfigProxies.of(FloridaConfig.class, Map.of());
    }

    private static List<String> endpoints(DefaultCamelContext camel) {
        return camel.getEndpoints().stream().map(Endpoint::getEndpointUri).toList();
    }

    /** The path the core builds around the adapter (on in-memory queues). */
    private static JurisdictionPipeline pathOf(FloridaAdapter adapter) {
        return new JurisdictionPipeline(adapter, adapter, new RecordingStatusReporter(), Clock.systemUTC(), JurisdictionPipeline.Queues.inMemory());
    }
}
