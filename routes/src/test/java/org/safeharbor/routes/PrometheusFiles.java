package org.safeharbor.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The Prometheus files the distribution ships in {@code etc/prometheus}: alert rules, their tests, the Grafana dashboard. */
final class PrometheusFiles {

    static final String ALERTS = "alerts.yml";
    static final String ALERT_TESTS = "alerts.test.yml";
    static final String DASHBOARD = "grafana-dashboard.json";

    private PrometheusFiles() {
    }

    /** Where they are in the source tree; Maven runs the tests in the module directory. */
    static Path dir() {
        return Paths.get(System.getProperty("basedir", System.getProperty("user.dir"))).resolve(
                "../karaf-distribution/assembly/src/main/resources/assembly/etc/prometheus").normalize();
    }

    static String text(String file) {
        try {
            return Files.readString(dir().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every PromQL expression of the dashboard's panels, parsed with Jackson (so the file is valid JSON). */
    static List<String> dashboardExpressions() {
        try {
            List<String> exprs = new ArrayList<>();
            for (JsonNode expr : new ObjectMapper().readTree(text(DASHBOARD)).findValues("expr")) {
                exprs.add(expr.asText());
            }
            return exprs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
