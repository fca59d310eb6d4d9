package org.safeharbor.jurisdiction.support.v1;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Trust exactly the certificates of a PEM file, e.g. the CA the adapter generates on first start
 * ({@code etc/safeharbor/tls/ca.crt}): what a sandbox peer uses to call the adapter back over HTTPS.
 */
public final class PemTrust {

    private PemTrust() {
    }

    /** Trust managers that trust the file's certificates and nothing else. */
    public static TrustManager[] trustManagers(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the CA certificate " + pem + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** A TLS context that trusts the file's certificates and nothing else. */
    public static SSLContext sslContext(Path pem) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(pem), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a TLS context for " + pem + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * A sandbox peer's HTTP client for its call-backs to the adapter: a 10 s connect timeout and, for an https call-back,
     * trust in exactly the certificates of {@code pem} (null: the JVM's default trust).
     */
    public static HttpClient callbackClient(Path pem) throws IOException {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (pem != null) {
            builder.sslContext(sslContext(pem));
        }
        return builder.build();
    }
}
