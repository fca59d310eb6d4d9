package org.safeharbor.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 5, the production profile: the same assembly, switched in {@code etc/} only, against the
 * external ActiveMQ Artemis (a separate process, over AMQP) and PostgreSQL (started by {@code .ci/run}).
 * Under load, the broker is killed with SIGKILL and started again on its journal, then PostgreSQL is
 * stopped at once and started again: every submission answered 202 is still delivered to the state,
 * once in effect, and its referral row is in PostgreSQL. The counts go to {@code target/production-counts.txt}.
 */
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class ProductionProfileIT {

    static Postgres postgres;
    static String jdbcUrl;
    static ExternalBrokerProcess broker;
    static KarafWithPeer stack;
    static StatePeer peer;
    static KarafProcess karaf;

    @BeforeAll
    static void start() throws Exception {
        postgres = Postgres.fromEnvironment();
        jdbcUrl = postgres.createDatabase("safeharbor_it_" + System.currentTimeMillis());
        broker = ExternalBrokerProcess.unpack("production-broker").start();
        stack = KarafWithPeer.start("production", Map.of(),
                k -> ProductionProfile.apply(k, broker.failoverUrl(), jdbcUrl, postgres.user, postgres.password));
        peer = stack.peer();
        karaf = stack.karaf();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (broker != null) {
            broker.kill();
        }
    }

    @Test
    void runsOnTheExternalBrokerAndPostgresqlAndRidesOutTheirRestarts() throws Exception {
        HttpResponse<String> health = karaf.get("/health");
        // /health names no URL nor product any more: where the data goes is proved below, by the rows in
        // PostgreSQL and by the deliveries that ride out the external broker's SIGKILL
        assertTrue(health.body().contains("\"status\":\"UP\""), "not healthy: " + health.body());
        assertEquals(0, postgres.countRows(jdbcUrl, "referral"), "the message store's tables are in this PostgreSQL database");
        assertTrue(!karaf.fullLog().contains("AMQ221007"), "an embedded Artemis started inside Karaf");

        List<String> log = new ArrayList<>();
        Instant began = Instant.now();
        try (Hospital hospital = new Hospital(karaf, "prod" + System.currentTimeMillis() % 1000000, Duration.ofSeconds(10))) {
            hospital.startLoad(4, Duration.ofMillis(100), Duration.ofMinutes(3));
            KarafProcess.sleep(3_000);

            int before = hospital.submissions().size();
            broker.kill();
            Instant killed = Instant.now();
            KarafProcess.sleep(3_000);
            broker.start();
            log.add("broker SIGKILLed after " + before + " submissions, back " + Duration.between(killed, Instant.now()).toMillis() + " ms later");
            KarafProcess.sleep(4_000);

            before = hospital.submissions().size();
            postgres.stopImmediately();
            Instant stopped = Instant.now();
            KarafProcess.sleep(3_000);
            postgres.start();
            log.add("PostgreSQL stopped (immediate) after " + before + " submissions, back " + Duration.between(stopped, Instant.now()).toMillis() + " ms later");
            KarafProcess.sleep(4_000);
            hospital.stopLoad(Duration.ofMinutes(3));

            Set<String> missing = peer.awaitDelivered(hospital.acceptedIds(), Duration.ofSeconds(120), Duration.ofSeconds(3)).missing();
            try {
                DeliveryCheck.Counts counts = DeliveryCheck.verify(hospital, peer, missing);
                int rows = postgres.countReferrals(jdbcUrl, hospital.acceptedIds());
                assertEquals(counts.accepted(), rows, "accepted referrals with a row in PostgreSQL's table referral");
                assertEquals(counts.accepted(), postgres.countRows(jdbcUrl, "referral"), "rows in PostgreSQL's table referral");
                log.add(counts.line("PRODUCTION broker SIGKILL + PostgreSQL restart") + " | PostgreSQL referral rows=" + rows
                        + " | " + Duration.between(began, Instant.now()).toSeconds() + " s");
            } catch (AssertionError failure) {
                log.add("FAILED: " + failure.getMessage());
                throw failure;
            } finally {
                log.forEach(line -> System.out.println("[ProductionProfileIT] " + line));
                Files.write(Settings.target().resolve("production-counts.txt"), log);
            }
        }
    }
}
