package org.safeharbor.jurisdiction.us.tx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * Loads the PKCS12 key and trust stores named in configuration: a file path, or {@code classpath:<path>}
 * for a resource in this bundle (found with the bundle's own class loader, which Camel's resource loader
 * in the core's CamelContext could not see).
 */
public final class TlsStores {

    /** The sandbox peers' key store (private key, CN=localhost): SANDBOX ONLY, its password is public. */
    public static final String SANDBOX_KEY_STORE = "classpath:sandbox/us-tx-sandbox.p12";
    /** The certificate of the sandbox peers, for the adapter's trust: SANDBOX ONLY. */
    public static final String SANDBOX_TRUST_STORE = "classpath:sandbox/us-tx-sandbox-truststore.p12";
    /** The password of both sandbox stores: SANDBOX ONLY, public. */
    public static final String SANDBOX_PASSWORD = "us-tx-sandbox-only";

    private static final String CLASSPATH = "classpath:";

    private TlsStores() {
    }

    /** Loads a PKCS12 store. */
    public static KeyStore load(String location, String password) {
        char[] secret = password == null ? new char[0] : password.toCharArray();
        try (InputStream in = open(location.trim())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, secret);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            // the location is configuration, not personal data
            throw new IllegalArgumentException("cannot load PKCS12 store " + location + ": " + e.getMessage(), e);
        }
    }

    private static InputStream open(String location) throws IOException {
        if (location.startsWith(CLASSPATH)) {
            String path = location.substring(CLASSPATH.length()).replaceFirst("^/", "");
            InputStream in = TlsStores.class.getClassLoader().getResourceAsStream(path);
            if (in == null) {
                throw new IOException("no such resource in the US-TX bundle: " + path);
            }
            return in;
        }
        return Files.newInputStream(Path.of(location));
    }
}
