package org.safeharbor.jurisdiction.us.ma;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;

import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * Loads the key and trust stores of the Massachusetts transport: a file path, or
 * {@value #CLASSPATH} for a resource inside this bundle (such as the sandbox-only
 * {@value #SANDBOX_KEY_STORE}).
 */
public final class KeyStores {

    /** Prefix of a location inside this bundle. */
    public static final String CLASSPATH = "classpath:";
    /** The sandbox key store: a self-signed localhost certificate whose private key is public. NEVER for production. */
    public static final String SANDBOX_KEY_STORE = CLASSPATH + "sandbox/us-ma-sandbox.p12";
    /** Its password (sandbox only). */
    public static final String SANDBOX_PASSWORD = "us-ma-sandbox";

    private KeyStores() {
    }

    /**
     * A key store from a file path or a {@value #CLASSPATH} resource of this bundle (PKCS12 or JKS).
     *
     * @throws IllegalArgumentException if it cannot be found or opened (the message names the location only)
     */
    public static KeyStore load(String location, String password) {
        char[] secret = password == null ? new char[0] : password.toCharArray();
        try {
            if (location.startsWith(CLASSPATH)) {
                String resource = location.substring(CLASSPATH.length());
                // this bundle's own class loader: Camel's resource loading in OSGi sees the platform bundle only
                try (InputStream in = KeyStores.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalArgumentException("no key store resource " + location + " in the bundle");
                    }
                    KeyStore store = KeyStore.getInstance("PKCS12");
                    store.load(in, secret);
                    return store;
                }
            }
            Path file = Path.of(location);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no key store file " + location);
            }
            return KeyStore.getInstance(file.toFile(), secret);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot open key store " + location + ": " + e.getClass().getSimpleName(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read key store " + location + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Camel TLS client parameters trusting exactly the certificates in {@code trustStore}, or empty
     * for a blank location: then the JVM's default trust applies.
     */
    public static Optional<SSLContextParameters> clientParameters(String trustStore, String password) {
        if (trustStore == null || trustStore.isBlank()) {
            return Optional.empty();
        }
        KeyStoreParameters store = new KeyStoreParameters();
        store.setKeyStore(load(trustStore.trim(), password));
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(store);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setTrustManagers(trust);
        return Optional.of(parameters);
    }
}
