package org.safeharbor.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The Illinois peer's TLS material for a run, made with the JDK's keytool: a self-signed certificate for
 * {@code localhost}/{@code 127.0.0.1} the peer serves, and a trust store holding it that the adapter is
 * given as an operator would ({@code trustStore}). The benchmark runs Karaf without the sandbox, where
 * an {@code http://} intake is refused: the peer is reached as a state behind a local TLS proxy would be.
 */
record PeerTls(Path keyStore, Path trustStore, String password) {

    static PeerTls make(Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Path keyStore = directory.resolve("us-il-peer.p12");
        Path certificate = directory.resolve("us-il-peer.crt");
        Path trustStore = directory.resolve("us-il-peer-trust.p12");
        for (Path old : List.of(keyStore, certificate, trustStore)) {
            Files.deleteIfExists(old);
        }
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Distribution.run(List.of(keytool, "-genkeypair", "-alias", "us-il-peer", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "7", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password), directory);
        Distribution.run(List.of(keytool, "-exportcert", "-rfc", "-alias", "us-il-peer", "-keystore", keyStore.toString(),
                "-storepass", password, "-file", certificate.toString()), directory);
        Distribution.run(List.of(keytool, "-importcert", "-noprompt", "-alias", "us-il-peer", "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", password), directory);
        return new PeerTls(keyStore, trustStore, password);
    }

    /** The peer, listening on HTTPS with this material. */
    org.safeharbor.jurisdiction.us.il.sandbox.IllinoisIntakePeer serve(org.safeharbor.jurisdiction.us.il.sandbox.IllinoisIntakePeer peer) {
        return peer.tls(keyStore, password.toCharArray());
    }
}
