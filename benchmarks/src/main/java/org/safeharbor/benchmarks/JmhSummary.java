package org.safeharbor.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JMH results ({@code -rf json}) as one table of ops/s with the ratios of our work to the floor (HAPI's
 * own parse + encode of the same submission in the same JVM).
 *
 * <pre>java -cp ... org.safeharbor.benchmarks.JmhSummary jmh.json</pre>
 */
public final class JmhSummary {

    private JmhSummary() {
    }

    public static void main(String[] args) throws IOException {
        JsonNode results = new ObjectMapper().readTree(Files.readString(Path.of(args[0])));
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (JsonNode r : results) {
            String name = r.get("benchmark").asText().replace("org.safeharbor.benchmarks.", "");
            JsonNode params = r.get("params");
            if (params != null && params.has("state")) {
                name += " " + params.get("state").asText();
            }
            JsonNode metric = r.get("primaryMetric");
            double error = metric.get("scoreError").isNumber() ? metric.get("scoreError").asDouble() : Double.NaN;
            scores.put(name, new double[] {metric.get("score").asDouble(), error});
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-52s %14s %12s%n", "benchmark (one thread)", "ops/s", "+/- (99.9%)"));
        scores.forEach((name, s) -> out.append(String.format(Locale.ROOT, "%-52s %14.1f %12.1f%n", name, s[0], s[1])));
        double[] floor = scores.get("IntakeBenchmark.floor_hapiParseAndEncode");
        if (floor != null) {
            out.append(String.format(Locale.ROOT, "%nfloor (HAPI parse + encode of the same submission): %.1f ops/s%n", floor[0]));
            ratio(out, scores, "IntakeBenchmark.ours_parseAndMap", floor[0], "our parse + map / floor");
            ratio(out, scores, "IntakeBenchmark.ours_submissionToIllinoisXml", floor[0], "our whole in-process path to Illinois XML / floor");
        }
        double[] parse = scores.get("IntakeBenchmark.floor_hapiParseOnly");
        if (parse != null) {
            ratio(out, scores, "IntakeBenchmark.ours_parseOnly", parse[0], "our parse (strict handler) / HAPI's default parse");
        }
        System.out.print(out);
    }

    private static void ratio(StringBuilder out, Map<String, double[]> scores, String name, double floor, String label) {
        double[] s = scores.get(name);
        if (s != null) {
            out.append(String.format(Locale.ROOT, "%-52s %.2f%n", label, s[0] / floor));
        }
    }
}
