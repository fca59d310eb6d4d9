package org.safeharbor.resilience;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths the build passes to the tests (failsafe system properties, see the module's pom.xml). */
final class Settings {

    private Settings() {
    }

    static Path assembly() {
        return existing("safeharbor.assembly");
    }

    static Path externalBroker() {
        return existing("safeharbor.external.broker");
    }

    /** karaf-distribution/PRODUCTION.md, the runbook RunbookIT follows. */
    static Path runbook() {
        return existing("safeharbor.runbook");
    }

    /** The ActiveMQ Artemis binary distribution (apache-artemis-*-bin.tar.gz) the runbook installs. */
    static Path artemis() {
        return existing("safeharbor.artemis");
    }

    static Path samples() {
        return existing("safeharbor.samples");
    }

    static Path target() {
        return Path.of(require("safeharbor.target"));
    }

    private static Path existing(String property) {
        Path path = Path.of(require(property));
        if (!Files.exists(path)) {
            throw new IllegalStateException(property + " = " + path + " does not exist: run the tests with Maven (./mvnw verify)");
        }
        return path;
    }

    private static String require(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run the tests with Maven (./mvnw verify)");
        }
        return value;
    }
}
