package org.safeharbor.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, hostile input proven harmless: the bad-input corpus ({@link HostileCorpus}, src/test/resources/hostile)
 * against the packed distribution over HTTPS, as the tests' hospital with a valid token, and against each state's
 * status call-back with that state's credential. Every case gets a 4xx (the intake's with an OperationOutcome), none
 * a 5xx, none a stack trace, none an answer quoting the personal data it carried; the hostile-but-valid cases are
 * accepted; and afterwards the adapter is healthy and takes a report as before. What each case got is written to
 * {@code target/hostile-input.txt}.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class HostileInputIT {

    /** What would show a stack trace or an exception's text in an answer. */
    private static final Pattern STACK_TRACE = Pattern.compile("(?s).*(\\bat [a-z]+\\.[a-z]+\\.|Exception|Caused by|\\.java:\\d+).*");

    static KarafWithPeer stack;
    static KarafProcess karaf;
    static final List<String> report = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        stack = KarafWithPeer.start("hostile", Map.of(), HostileCorpus::configureStates);
        karaf = stack.karaf();
        awaitStatusEndpoints(karaf, Duration.ofMinutes(2));
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
        Files.write(Settings.target().resolve("hostile-input.txt"), report);
    }

    /** Until the three status call-backs answer a caller without credentials 401 (their routes have started). */
    static void awaitStatusEndpoints(KarafProcess karaf, Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        for (String state : List.of("us-il", "us-ma", "us-tx")) {
            int status = -1;
            while (Instant.now().isBefore(deadline)) {
                try {
                    status = karaf.auth().sendAnonymous(HttpRequest.newBuilder(karaf.base().resolve("/jurisdictions/" + state + "/status"))
                            .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("{}")).build()).statusCode();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                if (status == 401) {
                    break;
                }
                KarafProcess.sleep(500);
            }
            assertEquals(401, status, state + " status call-back never started\n" + karaf.tail(60));
        }
    }

    @Test
    void everyHostileSubmissionIsRefusedWithA4xxOperationOutcomeAndTheAdapterStaysHealthy() throws Exception {
        List<HostileCorpus.Case> cases = HostileCorpus.intake();
        assertTrue(cases.size() >= 60, "the intake corpus has " + cases.size() + " cases");
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (HostileCorpus.Case c : cases) {
            HostileCorpus.Answer answer = HostileCorpus.send(karaf, c);
            report.add(answer.status() + "  " + c.name() + "  " + firstLine(answer.body()));
            String problem = refusalProblem(c, answer);
            if (!problem.isEmpty()) {
                failures.add(c.name() + ": " + problem + " -- " + abbreviated(answer.body()));
            }
            if (++sent % 20 == 0) {
                assertHealthy("after " + sent + " cases");
            }
        }
        assertEquals(List.of(), failures, failures.size() + " of " + cases.size() + " cases not refused as they must be");
        assertHealthy("after the whole intake corpus");
        assertAReportIsStillAccepted();
    }

    @Test
    void hostileButValidSubmissionsAreAcceptedAndTheirTaskIsRead() throws Exception {
        for (HostileCorpus.Case c : HostileCorpus.accepted()) {
            HostileCorpus.Answer answer = HostileCorpus.send(karaf, c);
            report.add(answer.status() + "  " + c.name() + "  " + firstLine(answer.body()));
            assertEquals(202, answer.status(), c.name() + ": " + answer.body());
            String location = answer.headers().getOrDefault("Content-Location", answer.headers().getOrDefault("content-location", List.of()))
                    .get(0);
            HttpResponse<String> task = karaf.get("/fhir/Task/" + location.substring(location.lastIndexOf('/') + 1));
            assertEquals(200, task.statusCode(), task.body());
            assertNoPersonalData(c.name() + " Task", task.body());
        }
        assertHealthy("after the accepted cases");
    }

    @Test
    void everyHostileStatusCallBackIsRefusedWithA4xxThatQuotesNothing() throws Exception {
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (String state : List.of("us-il", "us-ma", "us-tx")) {
            for (HostileCorpus.Case c : HostileCorpus.status(state)) {
                cases++;
                HostileCorpus.Answer answer = HostileCorpus.send(karaf, c);
                report.add(answer.status() + "  " + c.name() + "  " + firstLine(answer.body()));
                String problem = statusProblem(c, answer);
                if (!problem.isEmpty()) {
                    failures.add(c.name() + ": " + problem + " -- " + abbreviated(answer.body()));
                }
            }
            HostileCorpus.Case first = HostileCorpus.status(state).get(0);
            HostileCorpus.Answer anonymous = HostileCorpus.send(karaf, first, null);
            report.add(anonymous.status() + "  " + first.name() + " (no credential)  " + firstLine(anonymous.body()));
            assertEquals(401, anonymous.status(), state + " without a credential: " + anonymous.body());
        }
        assertEquals(List.of(), failures, failures.size() + " of " + cases + " status cases not refused as they must be");
        assertHealthy("after the status corpus");
    }

    /** What is wrong with an intake answer, or "" when it is a proper refusal. */
    static String refusalProblem(HostileCorpus.Case c, HostileCorpus.Answer answer) {
        List<String> problems = new ArrayList<>();
        if (c.expected() != 0 ? answer.status() != c.expected() : answer.status() < 400 || answer.status() >= 500) {
            problems.add("HTTP " + answer.status() + (c.expected() != 0 ? ", expected " + c.expected() : ", expected a 4xx"));
        }
        // JSON or XML, as HAPI answers in the request's encoding
        if (!answer.body().contains("\"resourceType\":\"OperationOutcome\"") && !answer.body().startsWith("<OperationOutcome")) {
            problems.add("no OperationOutcome");
        }
        problems.addAll(leaks(answer.body()));
        return String.join("; ", problems);
    }

    static String statusProblem(HostileCorpus.Case c, HostileCorpus.Answer answer) {
        List<String> problems = new ArrayList<>();
        if (c.expected() != 0 ? answer.status() != c.expected() : answer.status() < 400 || answer.status() >= 500) {
            problems.add("HTTP " + answer.status() + (c.expected() != 0 ? ", expected " + c.expected() : ", expected a 4xx"));
        }
        problems.addAll(leaks(answer.body()));
        return String.join("; ", problems);
    }

    /** A stack trace, or the corpus' personal data (or its marker), in an answer. */
    static List<String> leaks(String body) {
        List<String> leaks = new ArrayList<>();
        if (STACK_TRACE.matcher(body).matches()) {
            leaks.add("a stack trace or an exception's text");
        }
        for (String personal : HostileCorpus.personalData()) {
            if (body.toLowerCase(Locale.ROOT).contains(personal.toLowerCase(Locale.ROOT))) {
                leaks.add("quotes '" + personal + "'");
            }
        }
        if (body.toLowerCase(Locale.ROOT).contains("zqxj")) {
            leaks.add("quotes the corpus' marker");
        }
        return leaks;
    }

    static void assertNoPersonalData(String what, String text) {
        assertEquals(List.of(), leaks(text), what + ": " + abbreviated(text));
    }

    static void assertHealthy(String when) throws IOException {
        assertTrue(karaf.isAlive(), "Karaf died " + when + "\n" + karaf.tail(60));
        HttpResponse<String> health = karaf.get("/health");
        assertEquals(200, health.statusCode(), "/health " + when + ": " + health.body());
        assertTrue(health.body().contains("\"status\":\"UP\""), "/health " + when + ": " + health.body());
    }

    /** The adapter still does its work: a new report of the tests' hospital is accepted and reaches Illinois. */
    static void assertAReportIsStillAccepted() {
        try (Hospital hospital = new Hospital(karaf, "hostile" + System.currentTimeMillis() % 100000, Duration.ofSeconds(30))) {
            Hospital.Submission submission = hospital.newSubmission();
            assertTrue(hospital.submit(submission, Duration.ofSeconds(60)), "a valid report after the corpus: " + submission.refusal);
            StatePeer.Drain drain = stack.peer().awaitDelivered(java.util.Set.of(submission.taskId()), Duration.ofSeconds(60), Duration.ofSeconds(1));
            assertEquals(java.util.Set.of(), drain.missing(), "the report did not reach the Illinois peer");
        }
    }

    static String firstLine(String body) {
        return abbreviated(body.replace('\n', ' ').replace('\r', ' '));
    }

    static String abbreviated(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
