package org.safeharbor.routes;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The core HTTPS server as the tests run it: a karaf.etc of their own (where the CA is made) and a
 * client that trusts only that CA.
 */
final class TestHttps {

    static final Path ETC;

    static {
        try {
            ETC = Files.createTempDirectory("safeharbor-etc");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
        System.setProperty("karaf.etc", ETC.toString());
    }

    private TestHttps() {
    }

    static Path caCertificate() {
        return ETC.resolve("safeharbor/tls/" + LocalCertificates.CA_CERT);
    }

    /** A TLS context that trusts the generated CA and nothing else. */
    static SSLContext trustingGeneratedCa() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(caCertificate())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }

    static HttpClient client() throws Exception {
        return HttpClient.newBuilder().sslContext(trustingGeneratedCa()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** What DS would build from PID org.safeharbor.http with these values and the defaults otherwise. */
    static HttpServer.Config config(String host, int port, int plainHttpPort) {
        return new HttpServer.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return HttpServer.Config.class;
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public String host() {
                return host;
            }

            @Override
            public String keyStore() {
                return "";
            }

            @Override
            public String _keyStorePassword() {
                return "";
            }

            @Override
            public String hostNames() {
                return "localhost,127.0.0.1";
            }

            @Override
            public String tlsProtocols() {
                return "TLSv1.3,TLSv1.2";
            }

            @Override
            public String clientAuth() {
                return "want";
            }

            @Override
            public String clientTrustStore() {
                return "";
            }

            @Override
            public String _clientTrustStorePassword() {
                return "";
            }

            @Override
            public int plainHttpPort() {
                return plainHttpPort;
            }

            @Override
            public String plainHttpHost() {
                return "127.0.0.1";
            }
        };
    }
}
