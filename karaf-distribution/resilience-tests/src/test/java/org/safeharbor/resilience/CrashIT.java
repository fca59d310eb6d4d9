package org.safeharbor.resilience;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 5, the crash: a hospital submits referrals continuously while the Karaf process is killed with
 * SIGKILL at a random moment, restarted, and killed again, five times over. Afterwards every submission
 * answered 202 has been delivered to the Illinois peer, and the peer saw no referral twice unless the
 * second delivery was announced as a redelivery (a greater {@code SafeHarbor-Delivery-Attempt}).
 * The counts go to the console and to {@code target/crash-counts.txt}.
 */
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class CrashIT {

    static final int CYCLES = 5;

    static KarafWithPeer stack;
    static StatePeer peer;
    static KarafProcess karaf;

    @BeforeAll
    static void start() throws IOException {
        // the embedded H2 file compacted and flushed once a second from the start, so that the kills land on it too
        stack = KarafWithPeer.start("crash", Map.of(),
                karaf -> karaf.editCfg("org.safeharbor.store.compaction.cfg", Map.of("interval", "PT1S", "firstRun", "PT0S")));
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
    void everyAcceptedReferralReachesItsStateOnceInEffectAcrossKills() throws Exception {
        long seed = Long.getLong("safeharbor.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        List<String> log = new ArrayList<>();
        log.add("seed " + seed);
        Instant began = Instant.now();
        try (Hospital hospital = new Hospital(karaf, "crash" + Long.toString(seed & 0xffffff, 36), Duration.ofSeconds(10))) {
            hospital.startLoad(4, Duration.ofMillis(100), Duration.ofMinutes(3));
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                long loadMillis = 2_000 + random.nextInt(2_000);
                KarafProcess.sleep(loadMillis);
                int before = hospital.submissions().size();
                karaf.kill();
                Instant killed = Instant.now();
                karaf.start();
                Duration ready = karaf.awaitReady("US-IL", Duration.ofMinutes(2));
                log.add("cycle " + cycle + ": SIGKILL after " + loadMillis + " ms of load (" + before + " submissions so far), ready again "
                        + Duration.between(killed, Instant.now()).toMillis() + " ms later (health " + ready.toMillis() + " ms)");
            }
            KarafProcess.sleep(2_000);
            hospital.stopLoad(Duration.ofMinutes(2));

            Set<String> missing = peer.awaitDelivered(hospital.acceptedIds(), Duration.ofSeconds(120), Duration.ofSeconds(3)).missing();
            try {
                DeliveryCheck.Counts counts = DeliveryCheck.verify(hospital, peer, missing);
                org.junit.jupiter.api.Assertions.assertTrue(Files.readString(karaf.karafLog()).contains("Embedded H2 file: flushed and compacted"),
                        "the embedded H2 file was compacted while the kills went on");
                log.add(counts.line("CRASH " + CYCLES + " SIGKILLs") + " | " + Duration.between(began, Instant.now()).toSeconds() + " s");
            } catch (AssertionError failure) {
                log.add("FAILED: " + failure.getMessage());
                throw failure;
            } finally {
                log.forEach(line -> System.out.println("[CrashIT] " + line));
                Files.write(Settings.target().resolve("crash-counts.txt"), log);
            }
        }
    }
}
