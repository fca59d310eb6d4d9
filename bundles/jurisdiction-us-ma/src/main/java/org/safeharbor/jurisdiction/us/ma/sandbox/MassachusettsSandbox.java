package org.safeharbor.jurisdiction.us.ma.sandbox;

import java.net.URI;
import java.nio.file.Path;

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

/**
 * Runs the Massachusetts test peer inside Karaf, only when its configuration
 * ({@code etc/org.safeharbor.sandbox.us.ma.cfg}) exists: the optional {@code safeharbor-sandbox}
 * feature supplies it. NEVER in production: it trusts and presents a published key.
 */
@Component(service = {}, immediate = true, configurationPid = MassachusettsSandbox.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MassachusettsSandbox.Config.class)
public class MassachusettsSandbox {

    public static final String PID = "org.safeharbor.sandbox.us.ma";

    @ObjectClassDefinition(name = "SafeHarbor Bridge: Massachusetts (US-MA) sandbox peer",
            description = "A stand-in for DCF's 51A intake and a District Attorney endpoint, over HTTPS, for trying the adapter out")
    public @interface Config {

        @AttributeDefinition(description = "Interface to listen on")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "HTTPS port")
        int port() default 8443;

        @AttributeDefinition(required = false, description = "Directory of the recorded deliveries; empty for ${karaf.data}/sandbox/US-MA")
        String directory() default "";

        @AttributeDefinition(description = "Server key store: file path or classpath:<resource> (default: the sandbox-only key)")
        String keyStore() default KeyStores.SANDBOX_KEY_STORE;

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Key store password")
        String keyStorePassword() default KeyStores.SANDBOX_PASSWORD;

        @AttributeDefinition(description = "The adapter's status URL the peer sends later statuses to")
        String statusUrl() default "http://localhost:8080/jurisdictions/us-ma/status";

        @AttributeDefinition(required = false, type = AttributeType.PASSWORD,
                description = "Bearer token for the status URL (the adapter's .statusToken); empty for none")
        String _statusToken() default "";
    }

    private final MassachusettsPeer peer;

    @Activate
    public MassachusettsSandbox(Config config) throws Exception {
        Path directory = config.directory().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "sandbox", "US-MA")
                : Path.of(config.directory());
        peer = new MassachusettsPeer(directory).host(config.host()).port(config.port())
                .keyStore(config.keyStore(), config.keyStorePassword())
                .statusUrl(URI.create(config.statusUrl()), config._statusToken());
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

    @Deactivate
    void deactivate() throws Exception {
        peer.close();
    }
}
