package org.safeharbor.resilience;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The Illinois peer's TLS material, made once per test run with the JDK's keytool under
 * {@code target/peer-tls/}: a key pair and a self-signed certificate for {@code CN=localhost}
 * (SAN {@code DNS:localhost}, {@code IP:127.0.0.1}) in a PKCS12 key store the peer serves, and a
 * PKCS12 trust store holding only that certificate, which the adapter is given as an operator would
 * (its {@code trustStore}). Karaf runs WITHOUT the sandbox here, where the adapter refuses an
 * {@code http://} intake: the peer on 127.0.0.1 is reached as a state behind a local TLS proxy would be.
 */
final class PeerTls {

    private static PeerTls made;

    final Path keyStore;
    final Path trustStore;
    /** Of both stores (and of the key); random per run. */
    final String password;

    private PeerTls(Path keyStore, Path trustStore, String password) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.password = password;
    }

    /** The run's material, made on first use. */
    static synchronized PeerTls get() {
        if (made == null) {
            made = make(Settings.target().resolve("peer-tls"));
        }
        return made;
    }

    private static PeerTls make(Path directory) {
        Files2.deleteRecursively(directory);
        Files2.createDirectories(directory);
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Path keyStore = directory.resolve("us-il-peer.p12");
        Path certificate = directory.resolve("us-il-peer.crt");
        Path trustStore = directory.resolve("us-il-peer-trust.p12");
        selfSigned("us-il-peer", keyStore, trustStore, certificate, password);
        return new PeerTls(keyStore, trustStore, password);
    }

    /**
     * A self-signed key pair for localhost and 127.0.0.1 (7 days) in {@code keyStore}, its certificate in
     * {@code certificate} (PEM) and in {@code trustStore}, all PKCS12 under {@code password} (keytool of this JDK).
     */
    static void selfSigned(String alias, Path keyStore, Path trustStore, Path certificate, String password) {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Files2.run(keytool, "-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "7",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password);
        Files2.run(keytool, "-exportcert", "-rfc", "-alias", alias, "-keystore", keyStore.toString(),
                "-storepass", password, "-file", certificate.toString());
        Files2.run(keytool, "-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", password);
    }
}
