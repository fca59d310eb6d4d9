package org.safeharbor.jurisdiction.us.tx;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/** Loads the PKCS12 trust store file named in configuration (the bundle ships none of its own). */
public final class TlsStores {

    private TlsStores() {
    }

    /** Loads a PKCS12 store from a file. */
    public static KeyStore load(String file, String password) {
        try {
            return KeyStore.getInstance(Path.of(file.trim()).toFile(), password == null ? new char[0] : password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            // the location is configuration, not personal data
            throw new IllegalArgumentException("cannot load PKCS12 store " + file + ": " + e.getMessage(), e);
        }
    }
}
