package org.safeharbor.jurisdiction.us.tx.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
import org.safeharbor.jurisdiction.us.tx.wire.Agency;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional Texas sandbox (PID {@code org.safeharbor.sandbox.us.tx}, only with a configuration): starts
 * the two stand-in receiving systems, CPS intake and law-enforcement notification, on local HTTPS ports
 * with the sandbox's self-signed certificate. SANDBOX ONLY: never part of a production deployment.
 *
 * <p>It registers itself as a {@link SandboxPeer} with {@value SandboxPeer#MARKER}{@code =US-TX}: the adapter follows
 * it and, only while it is there, takes from {@link #settings()} what its configuration leaves unset: the two peers'
 * endpoints, a trust store file holding their certificate (written at start, deleted at stop) and their status
 * token, random per start unless configured. {@code /health} reports {@code "sandbox": true} while any marker is there.
 */
@Component(service = SandboxPeer.class, property = SandboxPeer.MARKER + "=US-TX", immediate = true,
        configurationPid = TexasSandbox.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TexasSandbox.Config.class)
public class TexasSandbox implements SandboxPeer {

    public static final String PID = "org.safeharbor.sandbox.us.tx";
    /** The peers' key store (private key, CN=localhost) in this bundle: SANDBOX ONLY, its password is public. */
    public static final String KEY_STORE = "classpath:sandbox/us-tx-sandbox.p12";
    /** Its password: SANDBOX ONLY, public. */
    public static final String PASSWORD = "us-tx-sandbox-only";
    private static final String CLASSPATH = "classpath:";
    private static final Logger LOG = LoggerFactory.getLogger(TexasSandbox.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge US-TX sandbox (test peers, not for production)")
    public @interface Config {
        @AttributeDefinition(description = "Interface the two peers bind")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "HTTPS port of the CPS intake peer (POST /cps/intake)")
        int cpsPort() default 8743;

        @AttributeDefinition(description = "HTTPS port of the law-enforcement peer (POST /law-enforcement/notifications)")
        int lawEnforcementPort() default 8744;

        @AttributeDefinition(description = "Where deliveries are recorded (one sub-folder per peer); default ${karaf.data}/sandbox/US-TX")
        String directory() default "";

        @AttributeDefinition(description = "The adapter's status endpoint the peers send later statuses to (the core's HTTPS server)")
        String statusCallbackUrl() default "https://localhost:8443/jurisdictions/us-tx/status";

        @AttributeDefinition(description = "PEM CA certificate the peers trust for the status endpoint; empty: "
                + "${karaf.etc}/safeharbor/tls/ca.crt, the CA the adapter generates")
        String statusCaCertificate() default "";

        /** Property {@code .statusToken}: private. Empty: a random one per start, which the adapter takes in the sandbox. */
        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Bearer token the peers present with a status")
        String _statusToken() default "";

        @AttributeDefinition(description = "PKCS12 key store of the peers: file path or classpath:<path> in this bundle")
        String keyStore() default KEY_STORE;

        /** Property {@code .keyStorePassword}: private. */
        @AttributeDefinition(type = AttributeType.PASSWORD)
        String _keyStorePassword() default PASSWORD;
    }

    private final List<TexasAgencyPeer> peers = new ArrayList<>();
    private final String statusToken;
    private final String trustStorePassword;
    private final Path trustStore;

    @Activate
    public TexasSandbox(Config config) throws Exception {
        LOG.warn("US-TX SANDBOX is ON: simulated Texas CPS intake and law enforcement answer on https://{}:{} and :{}; never for production",
                config.host(), config.cpsPort(), config.lawEnforcementPort());
        KeyStore keys = keyStore(config.keyStore(), config._keyStorePassword());
        trustStorePassword = config._keyStorePassword();
        trustStore = SandboxPeer.writeTrustStore(keys, trustStorePassword.toCharArray());
        Path base = directory(config.directory());
        URI callback = URI.create(config.statusCallbackUrl());
        statusToken = config._statusToken().isBlank() ? randomToken() : config._statusToken().trim();
        Path ca = config.statusCaCertificate().isBlank()
                ? Path.of(System.getProperty("karaf.etc", "etc"), "safeharbor", "tls", "ca.crt")
                : Path.of(config.statusCaCertificate().trim());
        // Jetty finds its plug-ins through the thread context class loader: the platform bundle's in Karaf.
        try {
            PlatformClassLoader.run(() -> {
                start(new TexasAgencyPeer(Agency.CPS_INTAKE, config.host(), config.cpsPort(), keys, config._keyStorePassword(),
                        base.resolve(Agency.CPS_INTAKE.value()), Clock.systemUTC()).statusCallback(callback, statusToken).statusTrust(ca));
                start(new TexasAgencyPeer(Agency.LAW_ENFORCEMENT, config.host(), config.lawEnforcementPort(), keys,
                        config._keyStorePassword(), base.resolve(Agency.LAW_ENFORCEMENT.value()), Clock.systemUTC())
                        .statusCallback(callback, statusToken).statusTrust(ca));
            });
        } catch (Exception e) {
            deactivate();
            throw e;
        }
    }

    /** The peers' endpoints, the trust store file for their certificate, and the bearer token they present. */
    @Override
    public Map<String, String> settings() {
        return Map.of("cpsIntakeUrl", peers.get(0).url(), "lawEnforcementUrl", peers.get(1).url(),
                "trustStore", trustStore.toString(), ".trustStorePassword", trustStorePassword, ".statusToken", statusToken);
    }

    /** The bearer token the peers present on the adapter's status endpoint. */
    public String statusToken() {
        return statusToken;
    }

    /** A PKCS12 key store: a file, or {@code classpath:<path>} in this bundle (its own class loader finds it). */
    public static KeyStore keyStore(String location, String password) {
        String path = location.trim().substring(CLASSPATH.length()).replaceFirst("^/", "");
        try (InputStream in = location.trim().startsWith(CLASSPATH) ? TexasSandbox.class.getClassLoader().getResourceAsStream(path)
                : Files.newInputStream(Path.of(location.trim()))) {
            if (in == null) {
                throw new IllegalArgumentException("no such resource in the US-TX sandbox bundle: " + path);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load PKCS12 store " + location + ": " + e.getMessage(), e);
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The running peers (CPS intake first). */
    public List<TexasAgencyPeer> peers() {
        return List.copyOf(peers);
    }

    @Deactivate
    void deactivate() throws Exception {
        for (TexasAgencyPeer peer : peers) {
            peer.stop();
        }
        peers.clear();
        Files.deleteIfExists(trustStore);
    }

    private void start(TexasAgencyPeer peer) throws Exception {
        peer.start();
        peers.add(peer);
    }

    static Path directory(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        String data = System.getProperty("karaf.data");
        return (data == null || data.isBlank() ? Path.of("data") : Path.of(data)).resolve("sandbox").resolve("US-TX");
    }
}
