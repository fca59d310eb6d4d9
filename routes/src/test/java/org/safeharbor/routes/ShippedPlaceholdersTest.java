package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

class ShippedPlaceholdersTest {

    /** Configuration Admin holding these configurations (PID to properties), as listConfigurations gives them. */
    private static ConfigurationAdmin admin(Map<String, Map<String, Object>> configurations) {
        Configuration[] all = configurations.entrySet().stream().map(e -> configuration(e.getKey(), e.getValue())).toArray(Configuration[]::new);
        return (ConfigurationAdmin) Proxy.newProxyInstance(ConfigurationAdmin.class.getClassLoader(), new Class<?>[] {ConfigurationAdmin.class},
                (proxy, method, args) -> method.getName().equals("listConfigurations") ? all : null);
    }

    private static Configuration configuration(String pid, Map<String, Object> values) {
        Dictionary<String, Object> properties = new Hashtable<>(values);
        return (Configuration) Proxy.newProxyInstance(Configuration.class.getClassLoader(), new Class<?>[] {Configuration.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getPid" -> pid;
                    case "getProperties" -> properties;
                    default -> null;
                });
    }

    @Test
    void theProductionTemplatesAsShippedAreFoundByPidAndKeyNeverByValue() throws Exception {
        // the shipped templates of etc/production/, read as Karaf reads a .cfg
        Map<String, Map<String, Object>> shipped = new java.util.LinkedHashMap<>();
        for (String file : List.of("org.ops4j.datasource-safeharbor.cfg", "org.safeharbor.broker.cfg")) {
            Properties cfg = new Properties();
            try (var in = Files.newBufferedReader(Path.of("../karaf-distribution/assembly/src/main/resources/assembly/etc/production", file))) {
                cfg.load(in);
            }
            Map<String, Object> values = new java.util.HashMap<>();
            cfg.forEach((k, v) -> values.put((String) k, v));
            shipped.put(file.replace(".cfg", "").replace("org.ops4j.datasource-", "org.ops4j.datasource~"), values);
        }
        List<String> found = ShippedPlaceholders.find(admin(shipped));
        assertEquals(List.of("org.ops4j.datasource~safeharbor password", "org.safeharbor.broker password", "org.safeharbor.broker url"), found,
                "the database and broker passwords, and the trust store password inside the broker URL");
        assertTrue(found.stream().noneMatch(f -> f.contains("CHANGE-ME") || f.contains("example")), "names, never values");
    }

    @Test
    void secretReferencesAndRealPasswordsPassOnlySecretKeysAreCompared() {
        assertTrue(ShippedPlaceholders.isPlaceholder(".sftpPassword", "sandbox"), "the sandbox's password");
        assertTrue(ShippedPlaceholders.isPlaceholder(".statusToken", " Change-Me "));
        assertTrue(ShippedPlaceholders.isPlaceholder("url", "failover:(amqps://b:5671)?x.trustStorePassword=CHANGE-ME"));
        assertTrue(ShippedPlaceholders.isPlaceholder("trustStore", "/tmp/safeharbor-sandbox-trust-4711.p12"), "a sandbox peer's trust store");
        assertFalse(ShippedPlaceholders.isPlaceholder("trustStore", "/opt/safeharbor/etc/tls/us-il-trust.p12"));
        assertFalse(ShippedPlaceholders.isPlaceholder(".password", "$[secret:secrets/db-password]"));
        assertFalse(ShippedPlaceholders.isPlaceholder(".password", "9f2c41d0e7a3"));
        assertFalse(ShippedPlaceholders.isPlaceholder("name", "sandbox"), "the sandbox provider's name is no secret");
        assertEquals(List.of(), ShippedPlaceholders.find(admin(Map.of("org.safeharbor.jurisdiction.us.il",
                Map.of("intakeUrl", "https://scr.example.gov/intake", ".password", "$[secret:secrets/il-password]")))));
    }
}
