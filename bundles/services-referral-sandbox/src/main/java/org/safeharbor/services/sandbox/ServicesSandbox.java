package org.safeharbor.services.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import ca.uhn.fhir.context.FhirContext;
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
 * Runs the sandbox services provider inside Karaf, only when its configuration ({@code etc/org.safeharbor.sandbox.services.cfg})
 * exists: feature {@code safeharbor-services-sandbox} supplies it. NEVER in production: it presents a published key.
 *
 * <p>It registers itself as a {@link SandboxPeer} with {@value SandboxPeer#MARKER}{@code =SERVICES}: the provider named
 * {@code sandbox} follows it and, only while it is there, takes from {@link #settings()} what its file leaves unset: the
 * base URL, a trust store file holding the peer's certificate (written at start, deleted at stop) and the bearer token,
 * random per start unless configured. {@code /health} reports {@code "sandbox": true} while it is there.
 */
@Component(service = SandboxPeer.class, property = SandboxPeer.MARKER + "=SERVICES", immediate = true,
        configurationPid = ServicesSandbox.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ServicesSandbox.Config.class)
public class ServicesSandbox implements SandboxPeer {

    public static final String PID = "org.safeharbor.sandbox.services";
    /** The peer's key store (private key, CN=localhost) in this bundle: SANDBOX ONLY, its password is public. */
    public static final String KEY_STORE = "sandbox/services-sandbox.p12";
    public static final String PASSWORD = "services-sandbox";
    private static final Logger LOG = LoggerFactory.getLogger(ServicesSandbox.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge: sandbox services provider",
            description = "A stand-in for a services provider's FHIR API (ServiceRequest + Task), over HTTPS, for trying services referrals out")
    public @interface Config {

        @AttributeDefinition(description = "Interface to listen on")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "HTTPS port")
        int port() default 9449;

        @AttributeDefinition(description = "Whether a new Task is accepted at once (else it stays received)")
        boolean autoAccept() default true;

        @AttributeDefinition(required = false, type = AttributeType.PASSWORD,
                description = "Bearer token the peer requires (private '.bearerToken'); empty: a random one per start")
        String _bearerToken() default "";
    }

    private final ServicesProviderPeer peer;
    private final String token;
    private final Path trustStore;

    @Activate
    public ServicesSandbox(Config config) throws Exception {
        LOG.warn("SERVICES SANDBOX is ON: a simulated services provider answers on https://{}:{}; never for production",
                config.host(), config.port());
        token = config._bearerToken().isBlank() ? randomToken() : config._bearerToken().trim();
        KeyStore keys = keyStore();
        trustStore = SandboxPeer.writeTrustStore(keys, PASSWORD.toCharArray());
        FhirContext fhir = PlatformClassLoader.call(FhirContext::forR4);
        peer = new ServicesProviderPeer(fhir).host(config.host()).port(config.port()).keyStore(keys, PASSWORD)
                .bearerToken(token).autoAccept(config.autoAccept());
        try {
            PlatformClassLoader.run(peer::start);
        } catch (Exception e) {
            Files.deleteIfExists(trustStore);
            throw e;
        }
    }

    /**
     * By the provider's configuration keys: on (the shipped etc/org.safeharbor.services.provider-sandbox.cfg is off), its
     * base URL, the trust store for the peer's certificate, the bearer token.
     */
    @Override
    public Map<String, String> settings() {
        return Map.of("enabled", "true", "baseUrl", peer.baseUrl(), "trustStore", trustStore.toString(), ".trustStorePassword", PASSWORD,
                ".bearerToken", token, "ownerDisplay", "Sandbox youth services (simulated)");
    }

    public ServicesProviderPeer peer() {
        return peer;
    }

    /** The sandbox-only key store in this bundle ({@value #KEY_STORE}). */
    public static KeyStore keyStore() {
        try (InputStream in = ServicesSandbox.class.getClassLoader().getResourceAsStream(KEY_STORE)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException | NullPointerException e) {
            throw new IllegalStateException("the services sandbox bundle's key store does not load: " + e.getClass().getSimpleName(), e);
        }
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
