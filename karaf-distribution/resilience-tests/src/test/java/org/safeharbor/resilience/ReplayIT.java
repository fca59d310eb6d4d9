package org.safeharbor.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.safeharbor.jurisdiction.us.il.sandbox.IllinoisIntakePeer.Delivery;

/**
 * Issue 5, replay: an operator at the real Karaf shell ({@code bin/client} over SSH) resends a
 * delivered referral from its stored output and from its submission, lists a jurisdiction's dead
 * letters and replays them; the state peer receives the right content under the same referral id
 * with a higher attempt number, and {@code harbor:referral} shows each replay linked to the
 * attempt that carried it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReplayIT {

    private static final String USER = "harbor-operator";
    static KarafWithPeer stack;
    static StatePeer peer;
    static KarafProcess karaf;
    static int sshPort;

    @BeforeAll
    static void start() throws IOException {
        sshPort = Ports.free();
        // one retry only, so a referral reaches the dead-letter queue within a second while the peer is down
        stack = KarafWithPeer.start("replay", Map.of("maximumRedeliveries", "1", "redeliveryDelay", "PT0.2S", "maximumRedeliveryDelay", "PT0.2S"), k -> {
            k.editCfg("org.apache.karaf.shell.cfg", Map.of("sshPort", String.valueOf(sshPort)));
            java.nio.file.Files.writeString(k.etc("users.properties"), "\n" + USER + " = " + USER + ",_g_:admingroup\n_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        });
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
    void operatorsReplayFromTheShellAndEachReplayIsDeliveredAndLinked() throws Exception {
        try (Hospital hospital = new Hospital(karaf, "replay" + System.currentTimeMillis() % 100000, Duration.ofSeconds(10))) {
            // a referral delivered once
            Hospital.Submission a = hospital.newSubmission();
            assertTrue(hospital.submit(a, Duration.ofSeconds(30)), "not accepted: " + a.refusal);
            String idA = a.taskId();
            assertTrue(peer.awaitDelivered(Set.of(idA), Duration.ofSeconds(60), Duration.ofMillis(500)).missing().isEmpty());
            Delivery first = deliveries(idA).get(0);
            assertEquals(1, first.attempt());

            // 1. from the stored output: byte for byte what attempt 1 sent, announced as attempt 2
            String out = shell("harbor:replay -j US-IL --from output " + idA);
            assertTrue(out.contains("queued for US-IL from output"), out);
            Delivery fromOutput = awaitDelivery(idA, 2);
            assertEquals(first.xml(), fromOutput.xml(), "the stored output, resent as it was");
            assertTrue(fromOutput.redelivery(), "the peer saw the same referral id again and de-duplicated it");

            // 2. from the submission, through today's mappings: same content (mappings unchanged), attempt 3
            out = shell("harbor:replay -j US-IL " + idA);
            assertTrue(out.contains("queued for US-IL from submission"), out);
            Delivery fromSubmission = awaitDelivery(idA, 3);
            assertEquals(first.report().getAllegation().size(), fromSubmission.report().getAllegation().size());
            assertEquals(first.xml(), fromSubmission.xml(), "today's mappings give the same report");

            // the store links each replay to the original referral and to the attempt that carried it
            String trail = awaitShell("harbor:referral " + idA, "carried by attempt 3");
            assertTrue(trail.contains("from output (attempt 1) by " + USER + " at"), trail);
            assertTrue(trail.contains(", carried by attempt 2"), trail);
            assertTrue(trail.contains("from submission by " + USER), trail);

            // 3. dead letters: the peer is down, the referral gives up after its retry, the operator replays it
            peer.stop();
            Hospital.Submission b = hospital.newSubmission();
            assertTrue(hospital.submit(b, Duration.ofSeconds(30)), "not accepted: " + b.refusal);
            String idB = b.taskId();
            String letters = awaitShell("harbor:dead-letters US-IL", idB);
            assertTrue(letters.contains("FAILED"), letters);
            assertTrue(shell("harbor:referrals -s FAILED -j US-IL").contains(idB));
            peer.start();
            out = shell("harbor:replay --dead-letters US-IL");
            assertTrue(out.contains("referral " + idB + " queued for US-IL"), out);
            assertTrue(out.contains("1 dead letter(s) of US-IL queued again"), out);
            Delivery replayed = awaitDelivery(idB, 3);
            assertFalse(replayed.redelivery(), "the first the state saw of it");
            assertTrue(shell("harbor:dead-letters US-IL").contains("No dead letters for US-IL"));
            assertTrue(awaitShell("harbor:referrals -j US-IL", "ACKNOWLEDGED").contains(idB));
            assertTrue(awaitShell("harbor:referral " + idB, "carried by attempt 3").contains("from dead-letter by " + USER));

            // nothing personal on the operator's screen
            for (String personal : Hospital.PERSONAL_DATA) {
                assertFalse(trail.contains(personal), personal);
            }
        }
    }

    private static List<Delivery> deliveries(String referralId) {
        return peer.deliveries().stream().filter(d -> d.referralId().equals(referralId)).toList();
    }

    private static Delivery awaitDelivery(String referralId, int attempt) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            for (Delivery d : deliveries(referralId)) {
                if (d.attempt() == attempt) {
                    return d;
                }
            }
            KarafProcess.sleep(200);
        }
        throw new AssertionError("no delivery of " + referralId + " with attempt " + attempt + "; got "
                + deliveries(referralId).stream().map(Delivery::attempt).toList());
    }

    /** Runs the command until its output contains {@code expected} (the routes work asynchronously). */
    private static String awaitShell(String command, String expected) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        String out = "";
        while (Instant.now().isBefore(deadline)) {
            out = shell(command);
            if (out.contains(expected)) {
                return out;
            }
            KarafProcess.sleep(500);
        }
        throw new AssertionError("'" + command + "' never showed '" + expected + "':\n" + out);
    }

    /** One command through Karaf's own client over SSH, as an operator types it. */
    private static String shell(String command) throws Exception {
        Process client = new ProcessBuilder(karaf.home().resolve("bin/client").toString(), "-a", String.valueOf(sshPort),
                "-u", USER, "-p", USER, "-r", "30", "-d", "2", "-b")
                .redirectErrorStream(true).start();
        try (var in = client.getOutputStream()) {
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(client.waitFor(120, TimeUnit.SECONDS), "bin/client hung on " + command);
        System.out.println("[ReplayIT] karaf@root()> " + command + "\n" + out);
        return out;
    }
}
