package org.safeharbor.resilience;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The switch to the production profile, done exactly as karaf-distribution/PRODUCTION.md tells an
 * operator, in {@code etc/} only: boot {@code safeharbor-production} instead of {@code safeharbor}, copy
 * {@code etc/production/*.cfg} over {@code etc/}, and set the broker URL and the database in them.
 */
final class ProductionProfile {

    private ProductionProfile() {
    }

    static void apply(KarafProcess karaf, String brokerUrl, String jdbcUrl, String user, String password) {
        // featuresBoot: the embedded-defaults feature "safeharbor/<version>" becomes "safeharbor-production/<version>"
        karaf.replaceInEtc("org.apache.karaf.features.cfg", "(?<=[\\s,])safeharbor/", "safeharbor-production/");
        Path production = karaf.etc("production");
        try (var files = Files.list(production)) {
            for (Path cfg : files.filter(p -> p.getFileName().toString().endsWith(".cfg")).toList()) {
                Files.copy(cfg, karaf.etc(cfg.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        karaf.editCfg("org.safeharbor.broker.cfg", Map.of("url", brokerUrl, "username", "", "password", ""));
        karaf.editCfg("org.ops4j.datasource-safeharbor.cfg", Map.of(
                "url", jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "connectTimeout=5&socketTimeout=60&tcpKeepAlive=true",
                "user", user, "password", password));
    }
}
