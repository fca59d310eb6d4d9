package org.safeharbor.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 18, two nodes and no single point of failure: two Karaf nodes in the production profile behind a TCP load
 * balancer ({@link TcpBalancer}), on one PostgreSQL (started by {@code .ci/run}) and an ActiveMQ Artemis primary/backup
 * pair with replication ({@link ArtemisPair}: the real Artemis distribution with the shipped HA configuration).
 *
 * <p>Hospitals send through the balancer while the node holding the singleton lease is SIGKILLed (it starts again
 * later), then the primary broker. Asserted: every submission answered 202 reaches the Illinois peer, a second delivery
 * of one is only ever an announced redelivery with the same intake number (never two nodes at once); the referrals one
 * hospital sent one after another arrive in that order (Illinois' queue is in order: one message group); the lease
 * moves to the other node within the documented bound; and every clock alert (Illinois' investigation clock, shortened
 * to {@value #CLOCK_SECONDS} s: 50%, 90%, breached per referral) is raised exactly once, by whichever node held the
 * lease. The counts go to {@code target/cluster-counts.txt}.
 */
@Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
class ClusterIT {

    static final int CLOCK_SECONDS = 45;
    /** Documented in PRODUCTION.md: lease 15 s + one try every 5 s. */
    static final Duration LEASE_BOUND = Duration.ofSeconds(20);
    private static final String ALERT = "State's statutory clock us-il-";

    static Postgres postgres;
    static String jdbcUrl;
    static ArtemisPair brokers;
    static StatePeer peer;
    static TcpBalancer balancer;
    static KarafProcess[] nodes = new KarafProcess[2];

    @BeforeAll
    static void start() throws Exception {
        postgres = Postgres.fromEnvironment();
        jdbcUrl = postgres.createDatabase("safeharbor_cluster_" + System.currentTimeMillis());
        brokers = ArtemisPair.start("cluster-brokers");
        peer = new StatePeer().start();
        balancer = new TcpBalancer();
        for (int i = 0; i < 2; i++) {
            KarafProcess node = KarafProcess.unpack("cluster-node-" + (i + 1));
            Cfg.pointAtPeer(node, peer, Map.of("investigationClock", "PT" + CLOCK_SECONDS + "S"));
            ProductionProfile.apply(node, brokers.failoverUrl(), jdbcUrl, postgres.user, postgres.password);
            node.editCfg("org.safeharbor.cluster.cfg", Map.of("nodeName", "node-" + (i + 1)));
            node.editCfg("org.safeharbor.deadlines.cfg", Map.of("scanInterval", "PT5S"));
            // hospitals reach the nodes through the balancer: one public address, in the tokens too
            node.editCfg("org.safeharbor.auth.cfg", Map.of("publicBaseUrl", "https://localhost:" + balancer.port));
            balancer.backend(node.httpPort);
            nodes[i] = node;
        }
        nodes[0].start().awaitReady("US-IL", Duration.ofMinutes(3));
        // the second node shares the first's secrets, as PRODUCTION.md says: CA and server certificate, token signing
        // key, client registrations, and the key store of the message store's encryption keys
        copyTree(nodes[0].etc("safeharbor"), nodes[1].etc("safeharbor"));
        for (String file : List.of("safeharbor-store.p12", "safeharbor-store.p12.password")) {
            Files.copy(nodes[0].etc(file), nodes[1].etc(file), StandardCopyOption.REPLACE_EXISTING);
        }
        nodes[1].sameClientAs(nodes[0]);
        nodes[1].start().awaitReady("US-IL", Duration.ofMinutes(3));
    }

    @AfterAll
    static void stop() {
        for (KarafProcess node : nodes) {
            if (node != null) {
                node.kill();
            }
        }
        if (balancer != null) {
            balancer.close();
        }
        if (peer != null) {
            peer.stop();
        }
        if (brokers != null) {
            brokers.close();
        }
    }

    @Test
    void twoNodesDeliverEveryReferralOnceInOrderThroughANodeAndABrokerFailure() throws Exception {
        List<String> log = new ArrayList<>();
        Instant began = Instant.now();
        URI front = URI.create("https://localhost:" + balancer.port);
        try (Hospital hospital = new Hospital(nodes[0].auth(), front, "cl" + System.currentTimeMillis() % 1000000, Duration.ofSeconds(10))) {
            hospital.startLoad(3, Duration.ofMillis(150), Duration.ofMinutes(4));
            // one hospital's referrals one after another: each sent once the one before was answered 202
            List<Hospital.Submission> sequential = new CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean inTurnOn = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread inTurn = new Thread(() -> {
                // stopped by the flag, never interrupted: the submission in flight is answered first
                while (inTurnOn.get()) {
                    Hospital.Submission next = hospital.newSubmission();
                    sequential.add(next);
                    if (!hospital.submit(next, Duration.ofMinutes(4))) {
                        return;
                    }
                    KarafProcess.sleep(100);
                }
            }, "hospital-in-turn");
            inTurn.setDaemon(true);
            inTurn.start();
            KarafProcess.sleep(15_000);

            // 1. SIGKILL the node holding the singleton lease
            int leader = leaseHolder();
            KarafProcess dead = nodes[leader];
            KarafProcess other = nodes[1 - leader];
            int before = hospital.submissions().size();
            dead.kill();
            Instant killed = Instant.now();
            String otherName = "node-" + (2 - leader);
            while (!other.fullLog().contains("(safeharbor-singletons): node " + otherName + " took the lease")) {
                assertTrue(Duration.between(killed, Instant.now()).compareTo(LEASE_BOUND.plusSeconds(15)) < 0,
                        "the lease did not move to " + otherName);
                KarafProcess.sleep(200);
            }
            Duration leaseMoved = Duration.between(killed, Instant.now());
            log.add("node-" + (leader + 1) + " (lease holder) SIGKILLed after " + before + " submissions; the lease moved to "
                    + otherName + " in " + leaseMoved.toMillis() + " ms (bound " + LEASE_BOUND.toSeconds() + " s)");
            KarafProcess.sleep(5_000);
            Duration restarted = dead.start().awaitReady("US-IL", Duration.ofMinutes(3));
            log.add("node-" + (leader + 1) + " started again, ready in " + restarted.toMillis() + " ms");
            KarafProcess.sleep(5_000);

            // 2. SIGKILL the primary broker: the backup takes over from its replica
            before = hospital.submissions().size();
            brokers.killPrimary();
            Duration live = brokers.awaitBackupLive(Duration.ofSeconds(60));
            log.add("primary broker SIGKILLed after " + before + " submissions; backup live in " + live.toMillis() + " ms");
            for (KarafProcess node : nodes) {
                Duration healthy = node.awaitHealthy(Duration.ofSeconds(60));
                log.add(node.home().getParent().getFileName() + " /health UP on the backup " + healthy.toMillis() + " ms after");
            }
            KarafProcess.sleep(10_000);

            inTurnOn.set(false);
            hospital.stopLoad(Duration.ofMinutes(4));
            inTurn.join(Duration.ofMinutes(4).toMillis());
            Set<String> missing = peer.awaitDelivered(hospital.acceptedIds(), Duration.ofSeconds(180), Duration.ofSeconds(3)).missing();
            try {
                DeliveryCheck.Counts counts = DeliveryCheck.verify(hospital, peer, missing);
                log.add(counts.line("CLUSTER node SIGKILL + primary broker SIGKILL"));
                log.add("balancer connections by node port " + balancer.connections());
                assertEquals(counts.accepted(), postgres.countRows(jdbcUrl, "referral"), "one row per accepted referral, shared by the nodes");

                List<String> inOrder = sequential.stream().filter(Hospital.Submission::accepted)
                        .map(s -> s.taskIds.iterator().next()).toList();
                List<String> arrived = peer.firstDeliveryOrder().stream().filter(inOrder::contains).toList();
                log.add("Illinois read by: " + inOrderLeaseLines());
                if (!inOrder.equals(arrived)) {
                    throw new AssertionError("the referrals sent one after another reached the state in another order: "
                            + overtaken(sequential, arrived));
                }
                log.add("in order: " + inOrder.size() + " referrals sent one after another arrived in that order");

                int expectedAlerts = 3 * counts.deliveredUnique();
                Instant alertsBy = Instant.now().plusSeconds(CLOCK_SECONDS + 60);
                int rows;
                while ((rows = alertRows()) < expectedAlerts && Instant.now().isBefore(alertsBy)) {
                    KarafProcess.sleep(1_000);
                }
                int[] fired = {alertLines(nodes[0]), alertLines(nodes[1])};
                log.add("clock alerts: expected " + expectedAlerts + " (50%, 90%, breached x " + counts.deliveredUnique()
                        + "), recorded " + rows + ", fired node-1=" + fired[0] + " node-2=" + fired[1]);
                assertEquals(expectedAlerts, rows, "every alert of every referral's clock recorded");
                assertEquals(expectedAlerts, fired[0] + fired[1], "every alert fired once, on one node");
                log.add("total " + Duration.between(began, Instant.now()).toSeconds() + " s");
            } catch (AssertionError failure) {
                log.add("FAILED: " + failure.getMessage());
                throw failure;
            } finally {
                log.forEach(line -> System.out.println("[ClusterIT] " + line));
                Files.write(Settings.target().resolve("cluster-counts.txt"), log);
            }
        }
    }

    /**
     * BENCHMARKS.md "Two nodes": end-to-end throughput of one node, then of two, at full speed through the balancer
     * (6 hospital threads, no pacing, {@value #FULL_SPEED_SECONDS} s each). Not part of {@code .ci/run}:
     * {@code -Dit.test=ClusterIT#throughputOfOneNodeThenTwo -Dsafeharbor.cluster.throughput=true}.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "safeharbor.cluster.throughput", matches = "true")
    void throughputOfOneNodeThenTwo() throws Exception {
        List<String> log = new ArrayList<>();
        URI front = URI.create("https://localhost:" + balancer.port);
        assertTrue(nodes[1].stop(Duration.ofSeconds(60)), "node-2 stopped");
        log.add(fullSpeed("one node", front));
        nodes[1].start().awaitReady("US-IL", Duration.ofMinutes(3));
        log.add(fullSpeed("two nodes", front));
        log.forEach(line -> System.out.println("[ClusterIT] " + line));
        Files.write(Settings.target().resolve("cluster-throughput.txt"), log);
    }

    static final int FULL_SPEED_SECONDS = 60;

    private static String fullSpeed(String label, URI front) throws Exception {
        try (Hospital hospital = new Hospital(nodes[0].auth(), front, "tp" + System.currentTimeMillis() % 1000000, Duration.ofSeconds(30))) {
            int deliveredBefore = peer.deliveries().size();
            Instant start = Instant.now();
            hospital.startLoad(6, Duration.ZERO, Duration.ofMinutes(2));
            KarafProcess.sleep(FULL_SPEED_SECONDS * 1000L);
            hospital.stopLoad(Duration.ofMinutes(2));
            Duration sending = Duration.between(start, Instant.now());
            StatePeer.Drain drain = peer.awaitDelivered(hospital.acceptedIds(), Duration.ofMinutes(5), Duration.ofSeconds(2));
            assertEquals(Set.of(), drain.missing(), label + ": every accepted referral delivered");
            int accepted = hospital.acceptedIds().size();
            double seconds = Duration.between(start, drain.allDeliveredAt()).toMillis() / 1000.0;
            return String.format(java.util.Locale.ROOT, "%s: accepted %d in %.1f s = %.1f/s; delivered %d (all) %.1f s after the start = %.1f/s end to end;"
                    + " deliveries at the peer %d", label, accepted, sending.toMillis() / 1000.0, accepted / (sending.toMillis() / 1000.0),
                    accepted, seconds, accepted / seconds, peer.deliveries().size() - deliveredBefore);
        }
    }

    /** Where the order first broke: the referral overtaken, the one that overtook it, with their sends and deliveries. */
    private static String overtaken(List<Hospital.Submission> sequential, List<String> arrived) {
        List<Hospital.Submission> accepted = sequential.stream().filter(Hospital.Submission::accepted).toList();
        for (int i = 0; i < accepted.size(); i++) {
            String expected = accepted.get(i).taskId();
            if (i >= arrived.size() || !arrived.get(i).equals(expected)) {
                String first = i < arrived.size() ? arrived.get(i) : "nothing";
                Hospital.Submission overtaker = accepted.stream().filter(s -> s.taskIds.contains(first)).findFirst().orElse(null);
                return "referral " + i + " of " + accepted.size() + " " + describe(accepted.get(i)) + " was overtaken by "
                        + (overtaker == null ? first : describe(overtaker)) + "; deliveries at the state of the first: "
                        + peer.byReferral().getOrDefault(expected, List.of()).stream().map(d -> "attempt " + StatePeer.attempt(d)).toList();
            }
        }
        return "more referrals arrived than were sent";
    }

    private static String describe(Hospital.Submission submission) {
        return submission.taskIds + " (sent " + submission.sends + "x from " + submission.firstSentAt + ", 202 at " + submission.acceptedAt + ")";
    }

    /** The nodes' log lines about Illinois' own lease (DeliveryOrder): who read the queue when. */
    private static List<String> inOrderLeaseLines() {
        List<String> lines = new ArrayList<>();
        for (KarafProcess node : nodes) {
            node.fullLog().lines().filter(line -> line.contains("(safeharbor-in-order-US-IL)"))
                    .map(String::strip).forEach(lines::add);
        }
        return lines;
    }

    /**
     * The node holding the singleton lease now, from its row in the shared database (ShedLock's table, on the
     * database's clock). Not from the logs: a node that took the lease once may have lost it since.
     */
    private static int leaseHolder() throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try (Connection connection = postgres.connect(jdbcUrl); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT locked_by FROM shedlock WHERE name = 'safeharbor-singletons'"
                         + " AND lock_until > timezone('utc', CURRENT_TIMESTAMP)")) {
                if (rows.next()) {
                    String holder = rows.getString(1);
                    assertTrue(holder.matches("node-[12]"), "the lease is held by " + holder);
                    return Integer.parseInt(holder.substring("node-".length())) - 1;
                }
            }
            assertTrue(Instant.now().isBefore(deadline), "no node holds the singleton lease");
            KarafProcess.sleep(500);
        }
    }

    private static int alertLines(KarafProcess node) {
        String text = node.fullLog();
        int count = 0;
        for (int at = text.indexOf(ALERT); at >= 0; at = text.indexOf(ALERT, at + 1)) {
            count++;
        }
        return count;
    }

    private static int alertRows() throws Exception {
        try (Connection connection = postgres.connect(jdbcUrl); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM deadline_alert")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
