package org.safeharbor.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.safeharbor.jurisdiction.us.il.sandbox.IllinoisIntakePeer;
import org.safeharbor.jurisdiction.us.il.sandbox.IllinoisIntakePeer.Delivery;

/**
 * The Illinois state peer (the bundle's own SOAP sandbox peer) in the test JVM, so that it outlives
 * Karaf's SIGKILL, on a fixed free port so that it can be taken down and brought back at the same address.
 * It speaks HTTPS with the run's certificate ({@link PeerTls}): Karaf runs without the sandbox, where the
 * adapter refuses an {@code http://} intake.
 */
final class StatePeer implements AutoCloseable {

    private final int port = Ports.free();
    private final PeerTls tls = PeerTls.get();
    private final IllinoisIntakePeer peer = new IllinoisIntakePeer("127.0.0.1", port, null, Clock.systemUTC())
            .tls(tls.keyStore, tls.password.toCharArray());

    StatePeer start() {
        try {
            peer.start();
        } catch (Exception e) {
            throw new IllegalStateException("US-IL peer did not start on port " + port, e);
        }
        return this;
    }

    void stop() {
        peer.stop();
    }

    /** The SOAP address for {@code intakeUrl} in etc/org.safeharbor.jurisdiction.us.il.cfg (known while the peer is down too). */
    String intakeUrl() {
        return "https://127.0.0.1:" + port + IllinoisIntakePeer.SERVLET_PATH.replace("/*", "") + IllinoisIntakePeer.ADDRESS;
    }

    /** The trust store holding the peer's certificate, and its password: the adapter's {@code trustStore}. */
    PeerTls tls() {
        return tls;
    }

    /** Every delivery received, duplicates included, in order of arrival. */
    List<Delivery> deliveries() {
        return peer.deliveries();
    }

    /** The delivery attempt the adapter announced (header {@code SafeHarbor-Delivery-Attempt}; 0 when absent). */
    static int attempt(Delivery delivery) {
        return delivery.attempt();
    }

    /** Referral ids in the order of their first delivery. */
    List<String> firstDeliveryOrder() {
        Set<String> ids = new LinkedHashSet<>();
        for (Delivery delivery : deliveries()) {
            ids.add(delivery.referralId());
        }
        return new ArrayList<>(ids);
    }

    /** Deliveries grouped by referral id, each group in order of arrival. */
    Map<String, List<Delivery>> byReferral() {
        Map<String, List<Delivery>> groups = new LinkedHashMap<>();
        for (Delivery delivery : deliveries()) {
            groups.computeIfAbsent(delivery.referralId(), id -> new ArrayList<>()).add(delivery);
        }
        return groups;
    }

    /** What {@link #awaitDelivered} found: the ids never delivered, and when the last of the others arrived. */
    record Drain(Set<String> missing, Instant allDeliveredAt) {
    }

    /**
     * Waits until every id has been delivered at least once, then until no new delivery has arrived for
     * {@code quiet} (late redeliveries count too). Reports the ids still missing when {@code timeout} ran out.
     */
    Drain awaitDelivered(Set<String> ids, Duration timeout, Duration quiet) {
        Instant deadline = Instant.now().plus(timeout);
        Set<String> missing = new HashSet<>(ids);
        Instant allDelivered = null;
        while (Instant.now().isBefore(deadline)) {
            missing = new HashSet<>(ids);
            for (Delivery delivery : deliveries()) {
                missing.remove(delivery.referralId());
            }
            if (missing.isEmpty()) {
                allDelivered = Instant.now();
                break;
            }
            KarafProcess.sleep(100);
        }
        int seen = -1;
        while (missing.isEmpty() && Instant.now().isBefore(deadline) && seen != deliveries().size()) {
            seen = deliveries().size();
            KarafProcess.sleep(quiet.toMillis());
        }
        return new Drain(missing, allDelivered);
    }

    @Override
    public void close() {
        peer.stop();
    }
}
