package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox fills what the operator left unset, by the DS key names, and nothing the operator set. */
class SandboxPeerTest {

    @interface Config {
        String intakeUrl() default "";

        String _statusPassword() default "";

        String username() default "operator";

        int port() default 22;

        boolean strict() default true;

        String timeout() default "PT30S";
    }

    private static final SandboxPeer SANDBOX = () -> Map.of("intakeUrl", "http://127.0.0.1:8091/us-il/intake",
            ".statusPassword", "random", "username", "sandbox", "port", "2222", "strict", "false");

    @Test
    void fillsTheKeysTheOperatorLeftBlankOrAtTheBundlesDefault() {
        Config filled = SandboxPeer.fill(Config.class, config(Map.of("intakeUrl", "  ", "timeout", "PT5S")), SANDBOX);

        assertEquals("http://127.0.0.1:8091/us-il/intake", filled.intakeUrl(), "blank in the cfg");
        assertEquals("random", filled._statusPassword(), "a private key: .statusPassword");
        assertEquals("sandbox", filled.username(), "the bundle's default: the sandbox's");
        assertEquals(2222, filled.port());
        assertFalse(filled.strict());
        assertEquals("PT5S", filled.timeout(), "the sandbox has no such key");
    }

    @Test
    void neverOverridesWhatTheOperatorSet() {
        Config filled = SandboxPeer.fill(Config.class, config(Map.of("intakeUrl", "https://scr.example.org/intake",
                "username", "dcfs", "port", 2022, ".statusPassword", "secret")), SANDBOX);

        assertEquals("https://scr.example.org/intake", filled.intakeUrl());
        assertEquals("dcfs", filled.username());
        assertEquals(2022, filled.port());
        assertEquals("secret", filled._statusPassword());
    }

    @Test
    void withoutASandboxTheConfigurationIsUntouched() {
        Config config = config(Map.of());
        assertSame(config, SandboxPeer.fill(Config.class, config, null));
        assertEquals("", config.intakeUrl());
    }

    @Test
    void theTrustStoreFileHoldsTheCertificatesWithoutThePrivateKey(@TempDir Path dir) throws Exception {
        // a peer's key store as the sandbox bundles ship theirs: a key pair and its self-signed certificate
        Path keyStore = dir.resolve("peer.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "peer", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "pw-pw-pw", "-keypass", "pw-pw-pw")
                .redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertEquals(0, keytool.waitFor());
        KeyStore keys = KeyStore.getInstance(keyStore.toFile(), "pw-pw-pw".toCharArray());
        assertTrue(keys.isKeyEntry("peer"));

        Path file = SandboxPeer.writeTrustStore(keys, "pw-pw-pw".toCharArray());
        try {
            KeyStore trust = KeyStore.getInstance(file.toFile(), "pw-pw-pw".toCharArray());
            assertEquals(Collections.list(keys.aliases()), Collections.list(trust.aliases()));
            assertTrue(trust.isCertificateEntry("peer"));
            assertNull(trust.getKey("peer", "pw-pw-pw".toCharArray()));
            assertEquals(keys.getCertificate("peer"), trust.getCertificate("peer"));
        } finally {
            Files.delete(file);
        }
    }

    /** As DS builds a component property type: the property's value, or the attribute's default. */
    private static Config config(Map<String, Object> properties) {
        Map<String, Object> values = new HashMap<>(properties);
        return (Config) Proxy.newProxyInstance(Config.class.getClassLoader(), new Class<?>[] {Config.class}, (proxy, method, args) -> {
            String key = method.getName().replace('_', '.');
            if (method.getParameterCount() > 0 || method.getDefaultValue() == null) {
                return method.getName().equals("toString") ? "Config" : method.getName().equals("hashCode") ? 0 : Boolean.FALSE;
            }
            Object value = values.get(key);
            if (value == null) {
                return method.getDefaultValue();
            }
            return method.getReturnType() == int.class ? Integer.valueOf(value.toString()) : value;
        });
    }
}
