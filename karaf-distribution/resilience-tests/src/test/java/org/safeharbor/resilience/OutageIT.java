package org.safeharbor.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 5, the outage: the Illinois peer is down for longer than the adapter's (shortened, 20 s) delivery
 * deadline to the SCR. The referrals wait on their queue, the 90% and breach alerts reach the operators (log line,
 * metric) and the hospital (Task) without personal data, nothing is lost, and once the peer is back
 * everything arrives in submission order. The timeline goes to {@code target/outage-timeline.txt}.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class OutageIT {

    static final int REFERRALS = 20;
    static final Duration CLOCK = Duration.ofSeconds(20);
    static final String RULE = "us-il-report";
    private static final Pattern LOG_TIME = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d,\\d{3})");
    private static final DateTimeFormatter KARAF_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss,SSS");

    static KarafWithPeer stack;
    static StatePeer peer;
    static KarafProcess karaf;

    @BeforeAll
    static void start() throws IOException {
        stack = KarafWithPeer.start("outage", Map.of("reportDeadline", CLOCK.toString()), k -> k.editCfg("org.safeharbor.deadlines.cfg",
                Map.of("scanInterval", "PT1S", "alertAt", "0.5,0.9")));
        peer = stack.peer();
        karaf = stack.karaf();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void referralsWaitOutAnOutageLongerThanTheirClockAlertingAndDrainInOrder() throws Exception {
        Timeline timeline = new Timeline();
        peer.stop();
        timeline.mark("US-IL peer down");

        List<String> ids = new ArrayList<>();
        try (Hospital hospital = new Hospital(karaf, "outage" + System.currentTimeMillis() % 100000, Duration.ofSeconds(10))) {
            for (int i = 0; i < REFERRALS; i++) {
                Hospital.Submission submission = hospital.newSubmission();
                assertTrue(hospital.submit(submission, Duration.ofSeconds(30)), "submission " + i + " not accepted: " + submission.refusal);
                ids.add(submission.taskId());
                if (i == 0) {
                    timeline.mark("first referral accepted (202), its clock starts: " + submission.taskId());
                }
            }
            timeline.mark(REFERRALS + " referrals accepted (202)");
        }
        Instant lastAccepted = Instant.now();
        for (String id : ids) {
            assertTrue(businessStatus(id).startsWith("US-IL: queued"), "referral " + id + " is not waiting on its queue: " + businessStatus(id));
        }
        timeline.mark("all " + REFERRALS + " Tasks say US-IL: queued");
        String first = ids.get(0);
        String last = ids.get(ids.size() - 1);

        // while the peer is down: the hospital sees its referral queued, then the clock's alerts
        Instant ninetySeen = null;
        Instant breachSeen = null;
        while (Instant.now().isBefore(lastAccepted.plus(CLOCK).plusSeconds(5))) {
            String text = businessStatus(last);
            assertFalse(text.contains("failed"), "the referral must wait, not fail, while the state is down: " + text);
            if (ninetySeen == null && text.contains("clock " + RULE + " (US-IL) 90% used")) {
                ninetySeen = Instant.now();
                timeline.mark("Task of the last referral shows the 90% alert: " + text);
            }
            if (breachSeen == null && text.contains("clock " + RULE + " (US-IL) BREACHED")) {
                breachSeen = Instant.now();
                timeline.mark("Task of the last referral shows the breach: " + text);
            }
            KarafProcess.sleep(300);
        }
        assertTrue(breachSeen != null, "the Task never showed the breach of " + RULE);
        assertTrue(peer.deliveries().isEmpty(), "nothing can have been delivered while the peer was down");

        // the operators' side: one log line per referral and level, the metric, and no personal data
        String log = karaf.fullLog();
        for (String id : ids) {
            assertTrue(log.contains("Statutory clock " + RULE + " (325 ILCS 5/4) for referral " + id + " in US-IL has used 90%"),
                    "no 90% alert logged for " + id);
            assertTrue(log.contains("Statutory clock " + RULE + " (325 ILCS 5/4) for referral " + id + " in US-IL is BREACHED"),
                    "no breach logged for " + id);
        }
        for (String personal : Hospital.PERSONAL_DATA) {
            assertFalse(log.contains(personal), "personal data '" + personal + "' in karaf.log");
        }
        timeline.markAt(logTime(log, id -> id.equals(first), "has used 90%"), "log: 90% alert of the first referral");
        timeline.markAt(logTime(log, id -> id.equals(first), "is BREACHED"), "log: breach alert of the first referral");
        timeline.markAt(logTime(log, id -> id.equals(last), "is BREACHED"), "log: breach alert of the last referral");
        Map<String, Double> metric = deadlineMetric();
        timeline.mark("metric safeharbor_deadline_alerts_total: " + metric);
        assertTrue(metric.getOrDefault("US-IL " + RULE + " 90%", 0.0) >= REFERRALS, "90% alerts in /metrics: " + metric);
        assertTrue(metric.getOrDefault("US-IL " + RULE + " breached", 0.0) >= REFERRALS, "breach alerts in /metrics: " + metric);

        // the peer comes back: everything arrives, in submission order, nothing lost
        peer.start();
        timeline.mark("US-IL peer back");
        StatePeer.Drain drain = peer.awaitDelivered(Set.copyOf(ids), Duration.ofSeconds(90), Duration.ofSeconds(2));
        Set<String> missing = drain.missing();
        timeline.markAt(drain.allDeliveredAt(), "drained: all " + REFERRALS + " referrals delivered to the peer");
        timeline.mark(peer.deliveries().size() + " deliveries in all, " + missing.size() + " referrals missing");
        try {
            assertEquals(Set.of(), missing, "referrals lost");
            assertEquals(ids, peer.firstDeliveryOrder(), "referrals delivered out of submission order");
            Instant acknowledged = Instant.now().plusSeconds(30);
            while (!businessStatus(last).startsWith("US-IL: acknowledged") && Instant.now().isBefore(acknowledged)) {
                KarafProcess.sleep(300);
            }
            timeline.mark("Task of the last referral after the drain: " + businessStatus(last));
            assertTrue(businessStatus(last).startsWith("US-IL: acknowledged"), businessStatus(last));
        } finally {
            List<String> lines = timeline.lines();
            lines.forEach(line -> System.out.println("[OutageIT] " + line));
            Files.write(Settings.target().resolve("outage-timeline.txt"), lines);
        }
    }

    private static String businessStatus(String taskId) throws Exception {
        HttpResponse<String> task = karaf.get("/fhir/Task/" + taskId);
        assertEquals(200, task.statusCode(), task.body());
        Matcher text = Pattern.compile("\"businessStatus\":\\{.*?\"text\":\"([^\"]*)\"").matcher(task.body());
        return text.find() ? text.group(1) : task.body();
    }

    /** safeharbor_deadline_alerts_total by "jurisdiction rule level". */
    private static Map<String, Double> deadlineMetric() throws Exception {
        HttpResponse<String> metrics = karaf.get("/metrics");
        assertEquals(200, metrics.statusCode());
        Map<String, Double> values = new TreeMap<>();
        Matcher line = Pattern.compile("(?m)^safeharbor_deadline_alerts_total\\{([^}]*)}\\s+(\\S+)$").matcher(metrics.body());
        while (line.find()) {
            String labels = line.group(1);
            values.put(label(labels, "jurisdiction") + " " + label(labels, "rule") + " " + label(labels, "level"),
                    Double.parseDouble(line.group(2)));
        }
        return values;
    }

    private static String label(String labels, String name) {
        Matcher value = Pattern.compile(name + "=\"([^\"]*)\"").matcher(labels);
        return value.find() ? value.group(1) : "?";
    }

    /** When karaf.log first says {@code what} about the report deadline of a referral matching {@code which}. */
    private static Instant logTime(String log, java.util.function.Predicate<String> which, String what) {
        Pattern alert = Pattern.compile("Statutory clock " + RULE + " .*? for referral (\\S+) in US-IL " + Pattern.quote(what));
        for (String line : log.split("\n")) {
            Matcher m = alert.matcher(line);
            Matcher time = LOG_TIME.matcher(line);
            if (m.find() && which.test(m.group(1)) && time.find()) {
                return LocalDateTime.parse(time.group(1), KARAF_TIME).atZone(ZoneId.systemDefault()).toInstant();
            }
        }
        return null;
    }

    /** Events with their time, relative to the first. */
    static final class Timeline {
        private final List<Map.Entry<Instant, String>> events = new ArrayList<>();

        synchronized void mark(String what) {
            markAt(Instant.now(), what);
        }

        synchronized void markAt(Instant at, String what) {
            events.add(Map.entry(at == null ? Instant.EPOCH : at, at == null ? what + ": NOT FOUND" : what));
        }

        synchronized List<String> lines() {
            List<Map.Entry<Instant, String>> sorted = new ArrayList<>(events);
            sorted.sort(Map.Entry.comparingByKey());
            Instant start = sorted.stream().map(Map.Entry::getKey).filter(t -> !t.equals(Instant.EPOCH)).findFirst().orElse(Instant.now());
            List<String> lines = new ArrayList<>();
            for (Map.Entry<Instant, String> event : sorted) {
                lines.add(event.getKey().equals(Instant.EPOCH) ? "   ?     " + event.getValue()
                        : String.format("+%6.1f s  %s  %s", Duration.between(start, event.getKey()).toMillis() / 1000.0,
                        event.getKey(), event.getValue()));
            }
            return lines;
        }
    }
}
