package org.safeharbor.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.Servlet;

import org.apache.camel.component.servlet.CamelHttpTransportServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;
import org.slf4j.LoggerFactory;

/**
 * The adapter's HTTPS server (PID {@code org.safeharbor.http}): an embedded Jetty 12 with Jakarta
 * Servlet 6, because Karaf 4.4's own web container is javax.servlet and HAPI FHIR 8 is Jakarta.
 * TLS 1.2+ only, with the operator's key store or, on a fresh install, a certificate from a private
 * CA made at first start ({@link LocalCertificates}). No plain-HTTP listener unless the operator
 * turns one on, and then the log says so at every start.
 *
 * <p>Camel's servlet ({@code CamelServlet}) is mounted at {@code /*}, so routes with
 * {@code servlet:} or REST DSL endpoints (e.g. {@code /health}) are served here. Other bundles
 * mount a servlet by registering a {@code jakarta.servlet.Servlet} service with the property
 * {@value #PATH_PROPERTY} (e.g. {@code /fhir/*}).
 *
 * <p>Until the FHIR intake and the token endpoint are mounted (start-up, a restart after a crash), every
 * request under {@code /fhir/} and {@code /auth/} is answered {@code 503 Service Unavailable} with
 * {@code Retry-After} and an OperationOutcome, never 404: an EHR's interface engine retries a 503 and treats
 * a 404 as a permanent error ({@link NotYetMounted}).
 */
@Component(service = HttpServer.class, immediate = true, configurationPid = HttpServer.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = HttpServer.Config.class)
public class HttpServer {

    static final String PID = "org.safeharbor.http";
    /** Service property of a servlet to mount: its path spec, e.g. {@code /fhir/*}. */
    public static final String PATH_PROPERTY = "safeharbor.http.path";
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge HTTP server")
    public @interface Config {
        @AttributeDefinition(description = "HTTPS port for /health, /fhir, /auth/token and the state call-backs")
        int port() default 8443;

        @AttributeDefinition(description = "Interface to bind; 0.0.0.0 for all")
        String host() default "0.0.0.0";

        @AttributeDefinition(description = "The operator's PKCS12 key store (server key and chain); empty: a certificate"
                + " from a private CA made on first start under etc/safeharbor/tls/")
        String keyStore() default "";

        @AttributeDefinition(description = "Password of keyStore (private property)")
        String _keyStorePassword() default "";

        @AttributeDefinition(description = "Host names and IP addresses the generated server certificate is made for")
        String hostNames() default "localhost,127.0.0.1";

        @AttributeDefinition(description = "TLS protocol versions accepted")
        String tlsProtocols() default "TLSv1.3,TLSv1.2";

        @AttributeDefinition(description = "Client certificates (mutual TLS): none, want (checked where a client is bound to one) or need")
        String clientAuth() default "want";

        @AttributeDefinition(description = "PKCS12 trust store for client certificates; empty: the generated CA's certificate")
        String clientTrustStore() default "";

        @AttributeDefinition(description = "Password of clientTrustStore (private property)")
        String _clientTrustStorePassword() default "";

        @AttributeDefinition(description = "A plain-HTTP port in addition to HTTPS, or -1 for none (the default). Clear text: never for hospitals")
        int plainHttpPort() default -1;

        @AttributeDefinition(description = "Interface of the plain-HTTP listener")
        String plainHttpHost() default "127.0.0.1";
    }

    /** Paths the adapter always serves: answered 503 while nothing is mounted there (see {@link NotYetMounted}). */
    static final List<String> RESERVED = List.of("/fhir/*", "/auth/*");

    /** What a hospital needs answering before the adapter is ready: the FHIR intake and the token endpoint below /auth/. */
    static final List<String> HOSPITALS_NEED = List.of("/fhir/*", "/auth/token");

    private final Map<Servlet, String> mounted = new ConcurrentHashMap<>();
    private final Map<String, Servlet> placeholders = new ConcurrentHashMap<>();
    /** The paths a mounted servlet (not a placeholder) answers at, once Jetty serves it. */
    private final java.util.Set<String> serving = ConcurrentHashMap.newKeySet();
    private Server jetty;
    private ServletContextHandler context;

    @Activate
    void activate(Config config) throws Exception {
        SslContextFactory.Server tls = tls(config);
        PlatformClassLoader.run(() -> {
            jetty = new Server();
            HttpConfiguration https = new HttpConfiguration();
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // clients verify the host name; a load balancer's host name need not be in the certificate
            secure.setSniHostCheck(false);
            https.addCustomizer(secure);
            https.setSendServerVersion(false);
            ServerConnector connector = new ServerConnector(jetty, new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(https));
            connector.setHost(config.host());
            connector.setPort(config.port());
            jetty.addConnector(connector);
            if (config.plainHttpPort() >= 0) {
                HttpConfiguration plain = new HttpConfiguration();
                plain.setSendServerVersion(false);
                ServerConnector clear = new ServerConnector(jetty, new HttpConnectionFactory(plain));
                clear.setHost(config.plainHttpHost());
                clear.setPort(config.plainHttpPort());
                jetty.addConnector(clear);
            }
            context = new ServletContextHandler("/");
            context.addServlet(new ServletHolder("CamelServlet", new CamelHttpTransportServlet()), "/*");
            RESERVED.stream().filter(path -> !mounted.containsValue(path)).forEach(this::holdPlace);
            mounted.forEach(this::mount);
            jetty.setHandler(context);
            jetty.start();
        });
        LOG.info("HTTPS server listening on {}:{} ({}, client certificates: {})", config.host(), config.port(),
                String.join(", ", tls.getIncludeProtocols()), config.clientAuth());
        if (config.plainHttpPort() >= 0) {
            LOG.warn("Plain-HTTP listener on {}:{} is ON (plainHttpPort in etc/{}.cfg): clear text, never for hospitals or states{}",
                    config.plainHttpHost(), config.plainHttpPort(), PID,
                    isLoopback(config.plainHttpHost()) ? "" : ". It listens beyond loopback");
        }
    }

    /** The TLS set-up: the operator's key store, or the generated one; TLS 1.2 and up only. */
    private static SslContextFactory.Server tls(Config config) throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        Path tlsDir = Path.of(System.getProperty("karaf.etc", "etc"), "safeharbor", "tls");
        if (config.keyStore().isBlank()) {
            List<String> hostNames = Arrays.stream(config.hostNames().split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
            LocalCertificates.ServerKeyStore generated = LocalCertificates.ensure(tlsDir, hostNames);
            tls.setKeyStorePath(generated.path().toString());
            tls.setKeyStorePassword(new String(generated.password()));
            if (generated.created()) {
                LOG.warn("No key store configured: made a private CA and a server certificate for {}. Hospitals and state peers"
                        + " trust the CA certificate {} (set keyStore in etc/{}.cfg to use your own)", hostNames,
                        tlsDir.resolve(LocalCertificates.CA_CERT), PID);
            } else {
                LOG.info("TLS certificate from the generated CA; hospitals trust {}", tlsDir.resolve(LocalCertificates.CA_CERT));
            }
        } else {
            tls.setKeyStorePath(config.keyStore());
            tls.setKeyStorePassword(config._keyStorePassword());
        }
        tls.setKeyStoreType("PKCS12");
        tls.setIncludeProtocols(Arrays.stream(config.tlsProtocols().split(",")).map(String::trim)
                .filter(p -> p.equals("TLSv1.2") || p.equals("TLSv1.3")).toArray(String[]::new));
        switch (config.clientAuth()) {
            case "need" -> tls.setNeedClientAuth(true);
            case "want" -> tls.setWantClientAuth(true);
            default -> { }
        }
        if (!config.clientTrustStore().isBlank()) {
            tls.setTrustStorePath(config.clientTrustStore());
            tls.setTrustStorePassword(config._clientTrustStorePassword());
            tls.setTrustStoreType("PKCS12");
        } else if (Files.exists(tlsDir.resolve(LocalCertificates.CA_CERT))) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (var in = Files.newInputStream(tlsDir.resolve(LocalCertificates.CA_CERT))) {
                trust.setCertificateEntry("safeharbor-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            tls.setTrustStore(trust);
        }
        return tls;
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Deactivate
    void deactivate() throws Exception {
        jetty.stop();
    }

    @Reference(service = Servlet.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + PATH_PROPERTY + "=*)")
    synchronized void bindServlet(Servlet servlet, Map<String, Object> properties) {
        String path = String.valueOf(properties.get(PATH_PROPERTY));
        mounted.put(servlet, path);
        if (context != null) {
            mount(servlet, path);
        }
    }

    synchronized void unbindServlet(Servlet servlet) {
        String path = mounted.remove(servlet);
        if (context == null || path == null) {
            return;
        }
        serving.remove(path);
        if (RESERVED.contains(path) && !mounted.containsValue(path)) {
            // the placeholder takes the path over in one step (see swap): a 503, never Camel's 404
            Servlet placeholder = new NotYetMounted();
            placeholders.put(path, placeholder);
            swap(servlet, new ServletHolder(NotYetMounted.class.getSimpleName() + "@" + path, placeholder), path);
        } else {
            remove(servlet);
        }
        LOG.info("Unmounted servlet at {}", path);
    }

    /** Takes a servlet and its mappings out of the running context. */
    private void remove(Servlet servlet) {
        var handler = context.getServletHandler();
        var keepHolders = java.util.Arrays.stream(handler.getServlets()).filter(h -> h.getServletInstance() != servlet)
                .toArray(ServletHolder[]::new);
        var keepNames = java.util.Arrays.stream(keepHolders).map(ServletHolder::getName).toList();
        var keepMappings = java.util.Arrays.stream(handler.getServletMappings())
                .filter(m -> keepNames.contains(m.getServletName()))
                .toArray(org.eclipse.jetty.ee10.servlet.ServletMapping[]::new);
        handler.setServletMappings(keepMappings);
        handler.setServlets(keepHolders);
    }

    /** Answers 503 at a reserved path until its servlet is mounted. */
    private void holdPlace(String path) {
        Servlet placeholder = new NotYetMounted();
        placeholders.put(path, placeholder);
        context.addServlet(new ServletHolder(NotYetMounted.class.getSimpleName() + "@" + path, placeholder), path);
    }

    private void mount(Servlet servlet, String path) {
        ServletHolder holder = new ServletHolder(servlet.getClass().getSimpleName() + "@" + path, servlet);
        Servlet placeholder = placeholders.remove(path);
        if (placeholder == null) {
            context.addServlet(holder, path);
        } else {
            swap(placeholder, holder, path);
        }
        serving.add(path);
        LOG.info("Mounted servlet {} at {}", servlet.getClass().getSimpleName(), path);
    }

    /**
     * Puts {@code replacement} in the place of {@code current} at {@code path}. Jetty refuses the same path spec twice,
     * and between taking one servlet out and putting the other in, the path would fall through to Camel's {@code /*}
     * (a 404 an EHR takes as final): so the new servlet is added first, the path's mapping moved to it in one
     * assignment, and only then the old one dropped.
     */
    private void swap(Servlet current, ServletHolder replacement, String path) {
        var handler = context.getServletHandler();
        handler.addServlet(replacement);
        var mappings = java.util.Arrays.stream(handler.getServletMappings()).map(m -> {
            if (!java.util.Arrays.asList(m.getPathSpecs()).contains(path)) {
                return m;
            }
            var moved = new org.eclipse.jetty.ee10.servlet.ServletMapping();
            moved.setServletName(replacement.getName());
            moved.setPathSpecs(m.getPathSpecs());
            return moved;
        }).toArray(org.eclipse.jetty.ee10.servlet.ServletMapping[]::new);
        handler.setServletMappings(mappings);
        remove(current);
    }

    /** True once a servlet (not the 503 placeholder) answers at exactly this path spec, e.g. {@code /fhir/*}. */
    public boolean isServing(String path) {
        return context != null && jetty != null && jetty.isStarted() && serving.contains(path);
    }
}
