package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alert rules checked and unit-tested by Prometheus' own {@code promtool} (Debian's {@code prometheus}
 * package; {@code .ci/run} installs it): {@code check rules}, {@code test rules alerts.test.yml}, and the dashboard's
 * expressions checked as recording rules. Without promtool the test fails under CI ({@code CI=true}) and is skipped,
 * saying so, elsewhere.
 */
class PrometheusRulesTest {

    static Path promtool;

    @BeforeAll
    static void findPromtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                promtool = candidate;
                return;
            }
        }
        String missing = "promtool is not on the PATH: install Debian's prometheus package (apt-get install prometheus), as .ci/run does";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(missing);
        }
        Assumptions.abort(missing + "; the shipped alert rules were NOT tested");
    }

    /** Runs promtool in the rules' directory; its exit code and output. */
    private static String promtool(Path dir, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("promtool " + String.join(" ", arguments) + " did not finish in 60 s");
        }
        assertEquals(0, process.exitValue(), "promtool " + String.join(" ", arguments) + ":\n" + output);
        return output;
    }

    @Test
    void theAlertRulesAreValid() throws Exception {
        promtool(PrometheusFiles.dir(), "check", "rules", PrometheusFiles.ALERTS);
    }

    @Test
    void theAlertRulesPassTheirUnitTests() throws Exception {
        promtool(PrometheusFiles.dir(), "test", "rules", PrometheusFiles.ALERT_TESTS);
    }

    @Test
    void everyDashboardExpressionIsValidPromQl(@TempDir Path work) throws Exception {
        List<String> exprs = PrometheusFiles.dashboardExpressions();
        assertFalse(exprs.isEmpty());
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < exprs.size(); i++) {
            // a YAML single-quoted scalar: quotes doubled
            rules.append("      - record: dashboard:panel_").append(i).append("\n        expr: '")
                    .append(exprs.get(i).replace("'", "''")).append("'\n");
        }
        Files.writeString(work.resolve("dashboard-rules.yml"), rules);
        promtool(work, "check", "rules", "dashboard-rules.yml");
    }
}
