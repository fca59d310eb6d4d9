package org.safeharbor.jurisdiction.us.ma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Collections;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.jurisdiction.us.ma.sandbox.MassachusettsPeer;
import org.safeharbor.jurisdiction.us.ma.sandbox.MassachusettsSandbox;

/**
 * The sandbox DS component, outside OSGi: it starts the peer on activation and stops it on deactivation, and its
 * {@code SandboxPeer} service hands the adapter the peer's endpoints, a trust store of its certificate only and its token.
 */
class MassachusettsSandboxTest {

    @TempDir
    Path records;

    @Test
    void activationStartsThePeerAndDeactivationStopsIt() throws Exception {
        MassachusettsSandbox sandbox = new MassachusettsSandbox(TestConfig.of(MassachusettsSandbox.Config.class,
                Map.of("port", 0, "directory", records.toString())));
        MassachusettsPeer peer = sandbox.peer();
        URI reports = URI.create(peer.reportUrl());
        HttpResponse<String> answer = SandboxTls.client().send(HttpRequest.newBuilder(reports)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, answer.statusCode(), "the running peer validates what it gets");
        assertTrue(answer.body().contains("referralId"), answer.body());
        assertTrue(Files.isDirectory(records));

        // what the adapter takes from the service: the peer's endpoints, a trust store file of its certificate only
        // (no private key), its token
        Map<String, String> settings = sandbox.settings();
        assertEquals(peer.reportUrl(), settings.get("reportUrl"));
        assertEquals(peer.districtAttorneyUrl(), settings.get("districtAttorneyUrl"));
        assertEquals(peer.lawEnforcementUrl(), settings.get("lawEnforcementUrl"));
        assertEquals(sandbox.statusToken(), settings.get(".statusToken"));
        assertFalse(sandbox.statusToken().isBlank(), "a random token per start");
        Path trustStore = Path.of(settings.get("trustStore"));
        KeyStore trust = KeyStore.getInstance(trustStore.toFile(), settings.get(".trustStorePassword").toCharArray());
        assertFalse(Collections.list(trust.aliases()).isEmpty());
        for (String alias : Collections.list(trust.aliases())) {
            assertTrue(trust.isCertificateEntry(alias), alias + " is not a certificate only");
        }

        var deactivate = MassachusettsSandbox.class.getDeclaredMethod("deactivate");
        deactivate.setAccessible(true);
        deactivate.invoke(sandbox);
        // deactivation stops the peer and deletes the trust store file
        assertThrows(ConnectException.class, () -> SandboxTls.client().send(HttpRequest.newBuilder(reports)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()));
        assertFalse(Files.exists(trustStore));
    }
}
