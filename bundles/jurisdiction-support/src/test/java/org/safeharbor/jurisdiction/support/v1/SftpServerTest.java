package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state's SFTP server: what only the sandbox may use is refused elsewhere; no secret in an endpoint's URI. */
class SftpServerTest {

    private static final String PID = "org.safeharbor.jurisdiction.us.zz";

    @TempDir
    Path temp;

    private static SftpServer server(String host, String password, String key, String knownHosts) {
        return new SftpServer(host, 22, "adapter", password, key, "", knownHosts);
    }

    @Test
    void outsideTheSandboxTheHostKeyARemoteServerAndACredentialAreRequired() throws Exception {
        String knownHosts = Files.writeString(temp.resolve("known_hosts"), "sftp.state.example.gov ssh-ed25519 AAAA\n").toString();
        assertTrue(server("", "pw", "", knownHosts).refusal("US-ZZ", PID, true).contains("US-ZZ: no SFTP server configured"),
                "not even the sandbox goes without a server");
        assertTrue(server("sftp.state.example.gov", "pw", "", "").refusal("US-ZZ", PID, false).contains("knownHostsFile is required"));
        assertTrue(server("sftp.state.example.gov", "pw", "", temp.resolve("none").toString()).refusal("US-ZZ", PID, false)
                .contains("cannot be read"));
        for (String local : new String[] {"localhost", "127.0.0.1", " 127.1.2.3", "::1"}) {
            assertTrue(server(local, "pw", "", knownHosts).refusal("US-ZZ", PID, false).contains("refuses to start with sandbox endpoints"), local);
        }
        String noCredential = server("sftp.state.example.gov", "", "", knownHosts).refusal("US-ZZ", PID, false);
        assertTrue(noCredential.contains("no SFTP credential") && noCredential.contains(PID + ".cfg"), noCredential);
        assertNull(server("sftp.state.example.gov", "pw", "", knownHosts).refusal("US-ZZ", PID, false));
        assertNull(server("sftp.state.example.gov", "", "/etc/state_key", knownHosts).refusal("US-ZZ", PID, false));
        assertNull(server("127.0.0.1", "", "", "").refusal("US-ZZ", PID, true), "the sandbox's loopback peer, its host key unchecked");
    }

    @Test
    void theEndpointsUriHoldsNoSecretAndChecksTheHostKey() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            SftpServer server = new SftpServer("sftp.state.example.gov", 2022, "a user", "s3cret", "/keys/id", "phrase", "/etc/known_hosts");
            SftpEndpoint endpoint = (SftpEndpoint) server.endpoint(camel, "inbox", "&tempPrefix=.inprogress-");
            String uri = endpoint.getEndpointUri();
            assertTrue(uri.startsWith("sftp://sftp.state.example.gov:2022/inbox?"), uri);
            assertFalse(uri.contains("s3cret") || uri.contains("phrase") || server.toString().contains("s3cret"), uri);
            assertEquals("s3cret", endpoint.getConfiguration().getPassword());
            assertEquals("phrase", endpoint.getConfiguration().getPrivateKeyPassphrase());
            assertEquals("yes", endpoint.getConfiguration().getStrictHostKeyChecking());
            assertEquals("/etc/known_hosts", endpoint.getConfiguration().getKnownHostsFile());
            assertEquals("/keys/id", endpoint.getConfiguration().getPrivateKeyFile());
            assertEquals("a user", endpoint.getConfiguration().getUsername());
            assertFalse(endpoint.getConfiguration().isUseUserKnownHostsFile(), "never the user's own known_hosts");
            // a new configuration on the same folder (the endpoint is cached by URI) brings its own password
            new SftpServer("sftp.state.example.gov", 2022, "a user", "", "/keys/id", "phrase", "/etc/known_hosts").endpoint(camel, "inbox",
                    "&tempPrefix=.inprogress-");
            assertNull(endpoint.getConfiguration().getPassword());
        }
    }
}
