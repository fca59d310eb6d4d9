package org.safeharbor.jurisdiction.us.ma;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.jurisdiction.us.ma.sandbox.MassachusettsPeer;
import org.safeharbor.jurisdiction.us.ma.sandbox.MassachusettsSandbox;

/**
 * The sandbox peer's TLS material in the tests: its key store, a trust store file as the sandbox gives the adapter,
 * and the adapter's configuration for a peer.
 */
final class SandboxTls {

    private SandboxTls() {
    }

    /** The peer's key store (this bundle's resource). */
    static KeyStore keys() {
        return MassachusettsSandbox.keyStore(MassachusettsSandbox.KEY_STORE, MassachusettsSandbox.PASSWORD);
    }

    /** A trust store file holding only the peer's certificate, password {@link MassachusettsSandbox#PASSWORD}. */
    static String trustStoreFile() {
        try {
            Path file = SandboxPeer.writeTrustStore(keys(), MassachusettsSandbox.PASSWORD.toCharArray());
            file.toFile().deleteOnExit();
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The adapter's endpoints and trust for {@code peer}, as the sandbox supplies them (a mutable map, by method name). */
    static Map<String, Object> adapterConfig(MassachusettsPeer peer) {
        Map<String, Object> config = new HashMap<>();
        config.put("reportUrl", peer.reportUrl());
        config.put("districtAttorneyUrl", peer.districtAttorneyUrl());
        config.put("lawEnforcementUrl", peer.lawEnforcementUrl());
        config.put("trustStore", trustStoreFile());
        config.put("_trustStorePassword", MassachusettsSandbox.PASSWORD);
        return config;
    }

    /** A JDK client trusting the sandbox certificate, as an operator's curl --cacert would. */
    static HttpClient client() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(KeyStore.getInstance(new java.io.File(trustStoreFile()), MassachusettsSandbox.PASSWORD.toCharArray()));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).build();
    }
}
