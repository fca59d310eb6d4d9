package org.safeharbor.jurisdiction.us.ma;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;

import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/** Loads the trust store file of the Massachusetts transport (the bundle ships none of its own). */
public final class KeyStores {

    private KeyStores() {
    }

    /**
     * A key store from a file (PKCS12 or JKS).
     *
     * @throws IllegalArgumentException if it cannot be found or opened (the message names the location only)
     */
    public static KeyStore load(String location, String password) {
        char[] secret = password == null ? new char[0] : password.toCharArray();
        try {
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
