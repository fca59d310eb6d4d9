package org.safeharbor.jurisdiction.us.ma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.jurisdiction.us.ma.sandbox.MassachusettsPeer;
import org.safeharbor.jurisdiction.us.ma.sandbox.MassachusettsSandbox;

/** The sandbox DS component, outside OSGi: it starts the peer on activation and stops it on deactivation. */
class SandboxComponentTest {

    @TempDir
    Path records;

    /** A JDK client trusting the sandbox certificate, as an operator's curl --cacert would. */
    static HttpClient sandboxClient() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(KeyStores.load(KeyStores.SANDBOX_KEY_STORE, KeyStores.SANDBOX_PASSWORD));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).build();
    }

    @Test
    void activationStartsThePeerAndDeactivationStopsIt() throws Exception {
        MassachusettsSandbox sandbox = new MassachusettsSandbox(TestConfig.of(MassachusettsSandbox.Config.class,
                Map.of("port", 0, "directory", records.toString())));
        MassachusettsPeer peer = sandbox.peer();
        URI reports = URI.create(peer.reportUrl());
        HttpResponse<String> answer = sandboxClient().send(HttpRequest.newBuilder(reports)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, answer.statusCode(), "the running peer validates what it gets");
        assertTrue(answer.body().contains("referralId"), answer.body());
        assertTrue(Files.isDirectory(records));

        var deactivate = MassachusettsSandbox.class.getDeclaredMethod("deactivate");
        deactivate.setAccessible(true);
        deactivate.invoke(sandbox);
        assertThrows(ConnectException.class, () -> sandboxClient().send(HttpRequest.newBuilder(reports)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()));
    }
}
