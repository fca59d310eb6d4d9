package org.safeharbor.jurisdiction.us.il;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A key pair and self-signed certificate for {@code localhost} / {@code 127.0.0.1} (made by the JDK's keytool),
 * as an operator's own TLS set-up: the peer's PKCS12 key store, and a PKCS12 trust store holding only that
 * certificate for the adapter's {@code trustStore}.
 */
final class LocalhostCertificate {

    private LocalhostCertificate() {
    }

    static void create(Path keyStore, Path trustStore, char[] password) throws IOException, GeneralSecurityException, InterruptedException {
        String secret = new String(password);
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "peer", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", secret, "-keypass", secret))
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore keys = KeyStore.getInstance(keyStore.toFile(), password);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("peer", keys.getCertificate("peer"));
        try (OutputStream file = Files.newOutputStream(trustStore)) {
            trust.store(file, password);
        }
    }
}
