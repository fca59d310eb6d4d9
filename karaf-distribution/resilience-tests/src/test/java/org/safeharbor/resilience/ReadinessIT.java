package org.safeharbor.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * Issue 17, readiness: the packed distribution is started as an OS process and polled from its first second
 * (every 100 ms, HTTPS, as a load balancer would) on {@code /health/ready} and {@code /fhir/metadata}. Ready must
 * never be UP while the intake does not answer 200, {@code /health/live} must be UP by the time ready is, and no
 * request under {@code /fhir} may be answered 404 while the adapter starts (503 with Retry-After instead): an EHR's
 * interface engine takes a 404 as final and never resends the report.
 *
 * <p>{@code -Dsafeharbor.readiness.boots=N} (default 2) boots the same tree N times: the first start (which makes the
 * CA and the database), then restarts after a SIGKILL, as after a crash. Every boot is checked the same way.
 */
class ReadinessIT {

    static final int BOOTS = Integer.getInteger("safeharbor.readiness.boots", 2);

    @Test
    void readyOnlyOnceTheIntakeAnswersAndNever404WhileStarting() throws Exception {
        StatePeer peer = new StatePeer().start();
        KarafProcess karaf = KarafProcess.unpack("readiness");
        try {
            Cfg.pointAtPeer(karaf, peer, Map.of());
            for (int boot = 1; boot <= BOOTS; boot++) {
                karaf.start();
                bootOnce(karaf, boot);
                karaf.kill();
            }
            System.out.println("[ReadinessIT] " + BOOTS + " boots, none ready while /fhir/metadata did not answer 200, no 404");
        } finally {
            karaf.kill();
            peer.stop();
        }
    }

    private static void bootOnce(KarafProcess karaf, int boot) {
        Instant start = Instant.now();
        Instant deadline = start.plus(Duration.ofMinutes(3));
        List<String> violations = new ArrayList<>();
        Map<Integer, Integer> fhirAnswers = new TreeMap<>();
        Duration firstReady = null;
        Duration firstLive = null;
        int readyInARow = 0;
        String lastReady = "no answer";
        while (readyInARow < 20 && Instant.now().isBefore(deadline)) {
            assertTrue(karaf.isAlive(), () -> "Karaf exited while starting\n" + karaf.tail(40));
            Duration at = Duration.between(start, Instant.now());
            Integer live = status(karaf, "/health/live");
            Integer ready = status(karaf, "/health/ready");
            if (ready != null) {
                lastReady = ready + " " + body(karaf, "/health/ready");
            }
            Integer metadata = status(karaf, "/fhir/metadata");
            if (metadata != null) {
                fhirAnswers.merge(metadata, 1, Integer::sum);
                if (metadata == 404) {
                    violations.add(at.toMillis() + " ms: /fhir/metadata answered 404");
                }
            }
            if (live != null && live == 200 && firstLive == null) {
                firstLive = at;
            }
            if (ready != null && ready == 200) {
                if (firstReady == null) {
                    firstReady = at;
                }
                readyInARow++;
                // asked after ready: had the intake not been answering when ready said UP, this is where it shows
                Integer after = status(karaf, "/fhir/metadata");
                if (after == null || after != 200) {
                    violations.add(at.toMillis() + " ms: ready UP but /fhir/metadata answered " + after);
                }
            } else {
                readyInARow = 0;
            }
            KarafProcess.sleep(100);
        }
        System.out.println("[ReadinessIT] boot " + boot + ": live after " + millis(firstLive) + " ms, ready after "
                + millis(firstReady) + " ms; /fhir/metadata answers while polling: " + fhirAnswers);
        String last = lastReady;
        assertEquals(20, readyInARow, () -> "boot " + boot + ": never ready for 20 polls in a row; last /health/ready: " + last
                + "\n" + karaf.tail(40));
        assertTrue(firstLive != null && firstLive.compareTo(firstReady) <= 0, "boot " + boot + ": live no later than ready");
        assertEquals(List.of(), violations, "boot " + boot);
    }

    /** The status code, or null while nothing answers (not listening yet, or no certificate made yet). */
    private static Integer status(KarafProcess karaf, String path) {
        try {
            HttpResponse<String> answer = karaf.get(path);
            return answer.statusCode();
        } catch (IOException | RuntimeException e) {
            return null; // e.g. the adapter's CA, which the client trusts, not written yet
        }
    }

    private static String body(KarafProcess karaf, String path) {
        try {
            return karaf.get(path).body();
        } catch (IOException | RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }

    private static String millis(Duration d) {
        return d == null ? "never" : String.valueOf(d.toMillis());
    }
}
