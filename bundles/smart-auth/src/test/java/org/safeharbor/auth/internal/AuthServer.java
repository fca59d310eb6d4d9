package org.safeharbor.auth.internal;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;

import javax.net.ssl.SSLContext;

import com.nimbusds.jose.jwk.JWK;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.safeharbor.client.SmartBackendClient;

/**
 * The token endpoint and the SMART discovery document as the adapter mounts them, on an embedded
 * Jetty 12 over HTTPS (127.0.0.1, a free port, a self-signed certificate the clients trust), with
 * a clients directory of the test's own. Mutual TLS is "wanted", as on the core server; the one
 * client certificate it trusts is {@link #clientCertificate}.
 */
final class AuthServer implements AutoCloseable {

    final Path clientsDirectory;
    final ClientRegistry registry;
    final TokenIssuer issuer;
    final String base;
    final URI tokenUrl;
    final URI fhirBase;
    /** The server certificate (PEM), what a hospital trusts, like the adapter's etc/safeharbor/tls/ca.crt. */
    final Path caPem;
    final X509Certificate serverCertificate;
    final KeyPair clientKeys;
    final X509Certificate clientCertificate;
    /** What the token endpoint and the registry recorded in the audit trail. */
    final java.util.List<org.safeharbor.store.AuditEntry> audit = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What the token endpoint counted, as /metrics would serve it. */
    final io.micrometer.prometheusmetrics.PrometheusMeterRegistry meters =
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    private final Server server;

    /** Without a limit on token requests. */
    AuthServer(Path workDirectory, Clock clock) throws Exception {
        this(workDirectory, clock, new org.safeharbor.auth.RateLimiter(0, 1, System::nanoTime));
    }

    AuthServer(Path workDirectory, Clock clock, org.safeharbor.auth.RateLimiter limiter) throws Exception {
        clientsDirectory = Files.createDirectories(workDirectory.resolve("clients"));
        KeyPair serverKeys = TestTls.keyPair();
        serverCertificate = TestTls.selfSigned(serverKeys, "localhost");
        caPem = TestTls.writePem(serverCertificate, workDirectory.resolve("ca.crt"));
        clientKeys = TestTls.keyPair();
        clientCertificate = TestTls.selfSigned(clientKeys, "hospital-mtls");

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(TestTls.keyStore(serverKeys, serverCertificate));
        tls.setKeyStorePassword(new String(TestTls.PASSWORD));
        tls.setTrustStore(TestTls.trustStore(clientCertificate));
        tls.setWantClientAuth(true);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration http = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        server = new Server();
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        connector.open();
        base = "https://127.0.0.1:" + connector.getLocalPort();
        tokenUrl = URI.create(base + SmartAuthorizationServer.TOKEN_PATH);
        fhirBase = URI.create(base + "/fhir");

        registry = new ClientRegistry(clientsDirectory, audit::add);
        registry.refresh();
        issuer = new TokenIssuer(TokenIssuer.signingKey(workDirectory.resolve("token-signing-key.json")), base,
                Duration.ofMinutes(5), registry, clock);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new TokenEndpoint(new ClientAssertions(registry, clock), issuer, tokenUrl.toString(), limiter, audit::add,
                new TokenMetrics(meters))),
                SmartAuthorizationServer.TOKEN_PATH);
        context.addServlet(new ServletHolder(new SmartConfiguration(base, tokenUrl.toString())), "/fhir/.well-known/smart-configuration");
        server.setHandler(context);
        server.start();
    }

    /** Writes a registration file (as {@code SmartBackendClient.registration} makes it) and re-reads the directory. */
    Path register(String fileName, String json) throws Exception {
        Path file = Files.writeString(clientsDirectory.resolve(fileName), json);
        registry.refresh();
        return file;
    }

    /** A hospital's client of this server, trusting its certificate. */
    SmartBackendClient client(String clientId, JWK key) throws Exception {
        return new SmartBackendClient(clientId, key, fhirBase, SmartBackendClient.trusting(caPem));
    }

    /** A hospital's client presenting {@link #clientCertificate} (mutual TLS). */
    SmartBackendClient clientWithCertificate(String clientId, JWK key) throws Exception {
        SSLContext context = TestTls.clientPresenting(serverCertificate, clientKeys, clientCertificate);
        return new SmartBackendClient(clientId, key, fhirBase, context);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
