package org.safeharbor.jurisdiction.us.ma.sandbox;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import org.eclipse.jetty.server.Server;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.jurisdiction.us.ma.KeyStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Massachusetts test peer inside Karaf, only when its configuration
 * ({@code etc/org.safeharbor.sandbox.us.ma.cfg}) exists: the optional {@code safeharbor-sandbox}
 * feature supplies it. NEVER in production: it trusts and presents a published key.
 *
 * <p>It registers itself as a service with {@value #MARKER}{@code =US-MA}: the sandbox marker. The
 * adapter follows it (in the sandbox only while it is there) and takes its status token, which is
 * random per start unless configured; {@code /health} reports {@code "sandbox": true} while any marker is there.
 */
@Component(service = MassachusettsSandbox.class, property = MassachusettsSandbox.MARKER + "=US-MA", immediate = true,
        configurationPid = MassachusettsSandbox.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MassachusettsSandbox.Config.class)
public class MassachusettsSandbox {

    public static final String PID = "org.safeharbor.sandbox.us.ma";
    /** The service property that marks a sandbox component, valued with its jurisdiction. */
    public static final String MARKER = "safeharbor.sandbox";
    private static final Logger LOG = LoggerFactory.getLogger(MassachusettsSandbox.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge: Massachusetts (US-MA) sandbox peer",
            description = "A stand-in for DCF's 51A intake and the District Attorney's and law enforcement's notice endpoints, over HTTPS, for trying the adapter out")
    public @interface Config {

        @AttributeDefinition(description = "Interface to listen on")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "HTTPS port")
        int port() default 9443;

        @AttributeDefinition(required = false, description = "Directory of the recorded deliveries; empty for ${karaf.data}/sandbox/US-MA")
        String directory() default "";

        @AttributeDefinition(description = "Server key store: file path or classpath:<resource> (default: the sandbox-only key)")
        String keyStore() default KeyStores.SANDBOX_KEY_STORE;

        /** Key {@code .keyStorePassword}: private, never a service property. */
        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Key store password")
        String _keyStorePassword() default KeyStores.SANDBOX_PASSWORD;

        @AttributeDefinition(description = "The adapter's status URL the peer sends later statuses to (the core's HTTPS server)")
        String statusUrl() default "https://localhost:8443/jurisdictions/us-ma/status";

        @AttributeDefinition(required = false, description = "PEM CA certificate the peer trusts for the status URL; "
                + "empty: ${karaf.etc}/safeharbor/tls/ca.crt, the CA the adapter generates")
        String statusCaCertificate() default "";

        @AttributeDefinition(required = false, type = AttributeType.PASSWORD,
                description = "Bearer token for the status URL (private '.statusToken'); empty: a random one per start, "
                        + "which the adapter takes in the sandbox when it has no .statusToken of its own")
        String _statusToken() default "";
    }

    private final MassachusettsPeer peer;
    private final String statusToken;

    @Activate
    public MassachusettsSandbox(Config config) throws Exception {
        LOG.warn("US-MA SANDBOX is ON: a simulated Massachusetts DCF answers on https://{}:{}; never for production",
                config.host(), config.port());
        Path directory = config.directory().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "sandbox", "US-MA")
                : Path.of(config.directory());
        statusToken = config._statusToken().isBlank() ? randomToken() : config._statusToken().trim();
        Path ca = config.statusCaCertificate().isBlank()
                ? Path.of(System.getProperty("karaf.etc", "etc"), "safeharbor", "tls", "ca.crt")
                : Path.of(config.statusCaCertificate().trim());
        peer = new MassachusettsPeer(directory).host(config.host()).port(config.port())
                .keyStore(config.keyStore(), config._keyStorePassword())
                .statusUrl(URI.create(config.statusUrl()), statusToken).statusTrust(ca);
        // Jetty looks some of its parts up through the context class loader: the platform bundle's, in Karaf
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Server.class.getClassLoader());
        try {
            peer.start();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The running peer. */
    public MassachusettsPeer peer() {
        return peer;
    }

    /** The bearer token the peer presents on the adapter's status URL. */
    public String statusToken() {
        return statusToken;
    }

    static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Deactivate
    void deactivate() throws Exception {
        peer.close();
    }
}
