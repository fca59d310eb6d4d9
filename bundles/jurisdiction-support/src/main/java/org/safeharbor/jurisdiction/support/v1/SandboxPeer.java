package org.safeharbor.jurisdiction.support.v1;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.Map;

/**
 * A simulated state system (a sandbox peer), shipped in its own bundle ({@code safeharbor-jurisdiction-us-xx-sandbox})
 * that only feature {@code safeharbor-sandbox} installs. It registers this service with {@value #MARKER}{@code =<code>}:
 * the core's {@code /health} reports it, the production profile refuses it, and the jurisdiction's adapter follows it
 * with an optional greedy reference targeted on its code. Only while it is there does the adapter accept what only a
 * sandbox uses (a plain-http or loopback endpoint, an unchecked host key) and take from {@link #settings()} every
 * value its own configuration leaves unset ({@link #fill}): the peer's endpoints, a trust store file for its
 * certificate, the credentials either side presents. A production bundle holds none of them.
 */
public interface SandboxPeer {

    /** The service property a sandbox peer carries, valued with its jurisdiction code, e.g. {@code US-IL}. */
    String MARKER = "safeharbor.sandbox";

    /**
     * Configuration values by the adapter's own keys (as in its {@code etc/*.cfg}, e.g. {@code intakeUrl},
     * {@code .statusPassword}), valid while this service is registered.
     */
    Map<String, String> settings();

    /**
     * The adapter's configuration with every attribute the operator left unset taken from the sandbox's
     * {@link #settings()} where it has that key; {@code config} itself without a sandbox. Unset is blank or the
     * bundle's own default (DS gives the default for a key the cfg lacks, and bnd lists every default as a component
     * property, so the two cannot be told apart). String, int, long, double and boolean attributes are filled.
     *
     * @param type    the adapter's configuration annotation (a DS component property type)
     * @param config  the configuration DS built
     * @param sandbox the sandbox peer the adapter follows, or null
     */
    static <A extends Annotation> A fill(Class<A> type, A config, SandboxPeer sandbox) {
        if (sandbox == null) {
            return config;
        }
        Map<String, String> settings = Map.copyOf(sandbox.settings());
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            Object configured;
            try {
                configured = method.invoke(config, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            String value = method.getParameterCount() == 0 ? settings.get(key(method.getName())) : null;
            boolean unset = configured == null || configured.toString().isBlank()
                    || configured.equals(method.getDefaultValue());
            Object converted = value == null || !unset ? null : convert(value.trim(), method.getReturnType());
            return converted == null ? configured : converted;
        }));
    }

    /**
     * Writes the certificates of a peer's key store, without its private keys, to a new PKCS12 trust store file (the
     * adapter's {@code trustStore}); the caller deletes it when the peer stops.
     */
    static Path writeTrustStore(KeyStore keyStore, char[] password) throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (String alias : Collections.list(keyStore.aliases())) {
                if (keyStore.getCertificate(alias) != null) {
                    trust.setCertificateEntry(alias, keyStore.getCertificate(alias));
                }
            }
            Path file = Files.createTempFile("safeharbor-sandbox-trust-", ".p12");
            try (OutputStream out = Files.newOutputStream(file)) {
                trust.store(out, password);
            }
            return file;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the sandbox trust store: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The configuration key of an attribute, by the DS rules (OSGi Compendium 112.8.2.1): {@code _password} is {@code .password}. */
    private static String key(String method) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (method.startsWith("$_$", i)) {
                key.append('-');
                i += 2;
            } else if (method.startsWith("$$", i) || method.startsWith("__", i)) {
                key.append(c);
                i++;
            } else if (c == '_') {
                key.append('.');
            } else if (c != '$') {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static Object convert(String value, Class<?> type) {
        if (type == String.class) {
            return value;
        }
        if (type == int.class) {
            return Integer.valueOf(value);
        }
        if (type == long.class) {
            return Long.valueOf(value);
        }
        if (type == double.class) {
            return Double.valueOf(value);
        }
        if (type == boolean.class) {
            return Boolean.valueOf(value);
        }
        return null;
    }
}
