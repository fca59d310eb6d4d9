package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outside the sandbox the Florida adapter refuses what only the sandbox may do: an unchecked host key, a local server, no credential. */
class FloridaProductionConfigTest {

    @TempDir
    Path temp;

    private FloridaAdapter production(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(Map.of("spoolDirectory", temp.resolve("spool").toString()));
        values.putAll(overrides);
        return new FloridaAdapter(TestConfigs.florida(values), new RecordingReporter(), Clock.systemUTC(), false, null);
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
                "knownHostsFile", knownHosts.toString(), "_sftpPassword", "secret")));
        assertTrue(local.getMessage().contains("refuses to start with sandbox endpoints"), local.getMessage());
        IllegalArgumentException noPassword = assertThrows(IllegalArgumentException.class, () -> production(Map.of(
                "sftpHost", "sftp.dcf.example.gov", "knownHostsFile", knownHosts.toString())));
        assertTrue(noPassword.getMessage().contains("no SFTP credential"), noPassword.getMessage());
        // the state's server, its host key, a credential: it starts
        production(Map.of("sftpHost", "sftp.dcf.example.gov", "knownHostsFile", knownHosts.toString(), "_sftpPassword", "secret"));
        production(Map.of("sftpHost", "sftp.dcf.example.gov", "knownHostsFile", knownHosts.toString(), "privateKeyFile", "/etc/dcf_key"));
    }

    @Test
    void noPasswordShipsAsADefault() {
        assertTrue(TestConfigs.florida(Map.of())._sftpPassword().isEmpty());
    }

    @Test
    void inOsgiWithoutTheSandboxTheComponentStartsButItsRoutesAreRefused() throws Exception {
        FloridaAdapter adapter = new FloridaAdapter(TestConfigs.florida(Map.of("spoolDirectory", temp.resolve("spool").toString())),
                new RecordingReporter(), (org.safeharbor.jurisdiction.us.fl.sandbox.FloridaSandbox) null);
        try (org.apache.camel.impl.DefaultCamelContext camel = new org.apache.camel.impl.DefaultCamelContext()) {
            Exception e = assertThrows(Exception.class, () -> camel.addRoutes(adapter));
            assertTrue(String.valueOf(e.getMessage()).contains("knownHostsFile is required"), e::toString);
        }
    }
}
