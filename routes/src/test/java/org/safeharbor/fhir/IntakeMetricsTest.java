package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Jurisdiction;

/** The intake's meters: each submission counted by outcome and client and timed; no label carries what a hospital sent. */
class IntakeMetricsTest {

    static IntakeHarness intake;

    @BeforeAll
    static void start() throws Exception {
        intake = new IntakeHarness(64 * 1024, Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC));
        for (String code : Set.of("US-IL", "US-MO", "US-TX", "US-MA", "US-FL")) {
            intake.installed.add(Jurisdiction.of(code));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        intake.close();
    }

    private static double submissions(String client, String outcome) {
        Counter counter = intake.meters.find(IntakeMetrics.SUBMISSIONS).tag("client", client).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void eachSubmissionIsCountedByOutcomeAndClientAndTimed() throws Exception {
        String body = Samples.json(Samples.fresh("t76-52xa-suspected.json"));
        double accepted = submissions("hospital-a", "accepted");
        double duplicate = submissions("hospital-a", "duplicate");
        double unauthorized = submissions("anonymous", "unauthorized");
        double refused = submissions("hospital-a", "refused");

        assertEquals(202, intake.post("/$process-message", TestTokens.HOSPITAL_A, body).statusCode());
        assertEquals(202, intake.post("/$process-message", TestTokens.HOSPITAL_A, body).statusCode(), "the same message again");
        assertEquals(401, intake.post("/$process-message", null, body).statusCode());
        assertEquals(401, intake.post("/$process-message", "not-a-token", body).statusCode());
        assertEquals(400, intake.post("/$process-message", TestTokens.HOSPITAL_A, "{\"resourceType\":\"Bundle\"}").statusCode());

        assertEquals(accepted + 1, submissions("hospital-a", "accepted"));
        assertEquals(duplicate + 1, submissions("hospital-a", "duplicate"), "a resend is counted as what it is");
        assertEquals(unauthorized + 2, submissions("anonymous", "unauthorized"), "a caller without a valid token is anonymous");
        assertEquals(refused + 1, submissions("hospital-a", "refused"));
        Timer latency = intake.meters.find(IntakeMetrics.LATENCY).tag("outcome", "accepted").timer();
        assertTrue(latency != null && latency.count() >= 1 && latency.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) > 0);
        String scraped = intake.meters.scrape();
        assertTrue(scraped.contains("safeharbor_submissions_total{client=\"hospital-a\",outcome=\"accepted\"}"), scraped);
        assertTrue(scraped.contains("safeharbor_intake_latency_seconds_bucket{outcome=\"accepted\",le="), "a histogram for quantiles: " + scraped);
    }

    @Test
    void readsAreNotSubmissions() throws Exception {
        String before = countsOnly();
        intake.get("/Task?_count=1", TestTokens.HOSPITAL_A);
        intake.get("/metadata", null);
        assertEquals(before, countsOnly());
    }

    private static String countsOnly() {
        return intake.meters.getMeters().stream().filter(m -> m.getId().getName().equals(IntakeMetrics.SUBMISSIONS))
                .map(m -> m.getId() + "=" + ((Counter) m).count()).sorted().toList().toString();
    }

    @Test
    void noLabelCarriesANameOrABirthDateOfTheSamples() throws Exception {
        List<String> personal = new ArrayList<>();
        for (String file : Samples.onDisk()) {
            personal(new ObjectMapper().readTree(Samples.text(file)), personal);
            intake.post("/$process-message", TestTokens.HOSPITAL_A, Samples.json(Samples.fresh(file)));
            intake.post("/$process-message", null, Samples.text(file));
        }
        assertTrue(personal.contains("Sampleton") && personal.contains("2010-09-03"), "the samples' names and birth dates: " + personal);
        Matcher label = Pattern.compile("[a-z_]+=\"([^\"]*)\"").matcher(intake.meters.scrape());
        List<String> values = new ArrayList<>();
        while (label.find()) {
            values.add(label.group(1));
        }
        assertFalse(values.isEmpty());
        for (String value : values) {
            for (String item : personal) {
                assertFalse(value.contains(item), "label value '" + value + "' carries '" + item + "' from a sample");
            }
        }
    }

    /** Names (family, given, text of a HumanName), birth dates, addresses' lines and identifiers' values. */
    private static void personal(JsonNode node, List<String> into) {
        node.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "family", "birthDate" -> into.add(value.asText());
                case "given", "line" -> value.forEach(v -> into.add(v.asText()));
                default -> personal(value, into);
            }
        });
        if (node.isArray()) {
            node.forEach(element -> personal(element, into));
        }
    }

    @Test
    void outcomesFromTheStatus() {
        assertEquals("unauthorized", IntakeMetrics.outcome(401));
        assertEquals("unauthorized", IntakeMetrics.outcome(403));
        assertEquals("throttled", IntakeMetrics.outcome(429));
        assertEquals("refused", IntakeMetrics.outcome(413));
        assertEquals("error", IntakeMetrics.outcome(500));
        assertEquals("error", IntakeMetrics.outcome(503));
    }
}
