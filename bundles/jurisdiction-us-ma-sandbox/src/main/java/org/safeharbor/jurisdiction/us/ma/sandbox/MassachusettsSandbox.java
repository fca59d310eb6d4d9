package org.safeharbor.jurisdiction.us.ma.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Massachusetts test peer inside Karaf, only when its configuration
 * ({@code etc/org.safeharbor.sandbox.us.ma.cfg}) exists: the optional {@code safeharbor-sandbox}
 * feature supplies it. NEVER in production: it trusts and presents a published key.
 *
 * <p>It registers itself as a {@link SandboxPeer} with {@value SandboxPeer#MARKER}{@code =US-MA}: the adapter follows
 * it and, only while it is there, takes from {@link #settings()} what its configuration leaves unset: the peer's three
 * endpoints, a trust store file holding its certificate (written at start, deleted at stop) and its status token,
 * random per start unless configured. {@code /health} reports {@code "sandbox": true} while any marker is there.
 */
@Component(service = SandboxPeer.class, property = SandboxPeer.MARKER + "=US-MA", immediate = true,
        configurationPid = MassachusettsSandbox.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MassachusettsSandbox.Config.class)
public class MassachusettsSandbox implements SandboxPeer {

    public static final String PID = "org.safeharbor.sandbox.us.ma";
    /** The peer's key store (private key, CN=localhost) in this bundle: SANDBOX ONLY, its password is public. */
    public static final String KEY_STORE = "classpath:sandbox/us-ma-sandbox.p12";
    /** Its password: SANDBOX ONLY, public. */
    public static final String PASSWORD = "us-ma-sandbox";
    private static final String CLASSPATH = "classpath:";
    private static final Logger LOG = LoggerFactory.getLogger(MassachusettsSandbox.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge: Massachusetts (US-MA) sandbox peer",
            description = "A stand-in for DCF's 51A intake, the District Attorney's and law enforcement's notice endpoints and a SEEN coordinator (coordination notices), over HTTPS, for trying the adapter out")
    public @interface Config {

        @AttributeDefinition(description = "Interface to listen on")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "HTTPS port")
        int port() default 9443;

        @AttributeDefinition(required = false, description = "Directory of the recorded deliveries; empty for ${karaf.data}/sandbox/US-MA")
        String directory() default "";

        @AttributeDefinition(description = "Server key store: file path or classpath:<resource> (default: the sandbox-only key)")
        String keyStore() default KEY_STORE;

        /** Key {@code .keyStorePassword}: private, never a service property. */
        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Key store password")
        String _keyStorePassword() default PASSWORD;

        @AttributeDefinition(description = "The adapter's status URL the peer sends later statuses to (the core's HTTPS server)")
        String statusUrl() default "https://localhost:8443/jurisdictions/us-ma/status";

        @AttributeDefinition(required = false, description = "PEM CA certificate the peer trusts for the status URL; "
                + "empty: ${karaf.etc}/safeharbor/tls/ca.crt, the CA the adapter generates")
        String statusCaCertificate() default "";

        @AttributeDefinition(required = false, type = AttributeType.PASSWORD,
                description = "Bearer token for the status URL (private '.statusToken'); empty: a random one per start, "
                        + "which the adapter takes while the sandbox is on when it has no .statusToken of its own")
        String _statusToken() default "";
    }

    private final MassachusettsPeer peer;
    private final String statusToken;
    private final String trustStorePassword;
    private final Path trustStore;

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
        KeyStore keys = keyStore(config.keyStore(), config._keyStorePassword());
        trustStorePassword = config._keyStorePassword();
        trustStore = SandboxPeer.writeTrustStore(keys, trustStorePassword.toCharArray());
        peer = new MassachusettsPeer(directory).host(config.host()).port(config.port())
                .keyStore(keys, config._keyStorePassword())
                .statusUrl(URI.create(config.statusUrl()), statusToken).statusTrust(ca);
        // Jetty finds its plug-ins through the thread context class loader: the platform bundle's in Karaf
        try {
            PlatformClassLoader.run(peer::start);
        } catch (Exception e) {
            Files.deleteIfExists(trustStore);
            throw e;
        }
    }

    /**
     * The peer's three endpoints, the trust store file for its certificate, and the bearer token it presents; and the
     * SEEN coordinator's FHIR base ({@code coordinationUrl}), which coordination team files that leave {@code url} blank take.
     */
    @Override
    public Map<String, String> settings() {
        return Map.of("reportUrl", peer.reportUrl(), "districtAttorneyUrl", peer.districtAttorneyUrl(),
                "lawEnforcementUrl", peer.lawEnforcementUrl(), "coordinationUrl", peer.coordinationUrl(), "trustStore", trustStore.toString(),
                ".trustStorePassword", trustStorePassword, ".statusToken", statusToken);
    }

    /** A PKCS12 key store: a file, or {@code classpath:<path>} in this bundle (its own class loader finds it). */
    public static KeyStore keyStore(String location, String password) {
        String path = location.trim();
        try (InputStream in = path.startsWith(CLASSPATH)
                ? MassachusettsSandbox.class.getClassLoader().getResourceAsStream(path.substring(CLASSPATH.length()).replaceFirst("^/", ""))
                : Files.newInputStream(Path.of(path))) {
            if (in == null) {
                throw new IllegalArgumentException("no such resource in the US-MA sandbox bundle: " + path);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load PKCS12 store " + location + ": " + e.getClass().getSimpleName(), e);
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
        Files.deleteIfExists(trustStore);
    }
}
