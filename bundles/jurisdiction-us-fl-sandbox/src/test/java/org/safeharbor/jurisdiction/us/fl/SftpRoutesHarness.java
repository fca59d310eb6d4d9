package org.safeharbor.jurisdiction.us.fl;

import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.jurisdiction.us.fl.sandbox.FloridaSftpPeer;
import org.safeharbor.tck.InMemoryPipeline;
import org.safeharbor.tck.RecordingStatusReporter;

/**
 * The Florida routes in a plain CamelContext (fed from {@code direct:queue}, no broker) against the real SFTP peer
 * on a free local port.
 */
abstract class SftpRoutesHarness {

    static final Instant NOW = Instant.parse("2026-11-21T10:20:00Z");
    /** A password Camel's URI syntax would mangle without RAW(): it must still log in. */
    static final String PASSWORD = "s3cret)pw&x=1";

    @TempDir
    Path temp;

    final RecordingStatusReporter reporter = new RecordingStatusReporter();
    FloridaSftpPeer peer;
    InMemoryPipeline path;
    FloridaAdapter adapter;
    int port;

    /** The adapter under test, with the test's clock. */
    static class TestAdapter extends FloridaAdapter {
        TestAdapter(Config config, RecordingStatusReporter reporter) {
            super(config, reporter, Clock.fixed(NOW, ZoneOffset.UTC));
        }
    }

    @BeforeEach
    void start() throws Exception {
        port = freePort();
        peer = startPeer();
    }

    FloridaSftpPeer startPeer() throws IOException {
        return startPeer(temp, port);
    }

    /** A local port nobody listens on, so that the peer can be stopped and started again on it. */
    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /** The SFTP peer on this port, its server and record folders under {@code temp}, started. */
    static FloridaSftpPeer startPeer(Path temp, int port) throws IOException {
        FloridaSftpPeer p = new FloridaSftpPeer(new FloridaSftpPeer.Settings("127.0.0.1", port, "safeharbor",
                PASSWORD, temp.resolve("server"), temp.resolve("records"), FloridaCategories.PLACEHOLDERS,
                Clock.fixed(NOW, ZoneOffset.UTC)));
        p.start();
        return p;
    }

    void startRoutes(Map<String, Object> overrides) throws Exception {
        startRoutes(new TestAdapter(config(overrides), reporter));
    }

    void startRoutes(FloridaAdapter routes) throws Exception {
        adapter = routes;
        // the path the core builds around the adapter, fed from a direct endpoint instead of the broker
        path = new InMemoryPipeline(adapter, reporter, Clock.fixed(NOW, ZoneOffset.UTC)).start();
    }

    FloridaAdapter.Config config(Map<String, Object> overrides) {
        return config(temp, port, overrides);
    }

    /** The adapter's configuration for the peer on this port, its spool under {@code temp}, then these values. */
    static FloridaAdapter.Config config(Path temp, int port, Map<String, Object> overrides) {
        Map<String, Object> c = new HashMap<>(Map.of("sftpHost", "127.0.0.1", "sftpPort", port, "sftpUsername", "safeharbor",
                "_sftpPassword", PASSWORD, "spoolDirectory", temp.resolve("spool").toString(),
                // batches are sent by the test (FLUSH_ENDPOINT), never by the timer during a test
                "batchInterval", "PT1H", "statusPollInterval", "PT0.2S"));
        c.putAll(overrides);
        return TestConfigs.florida(c);
    }

    @AfterEach
    void stop() throws Exception {
        if (path != null) {
            path.close();
        }
        if (adapter != null) {
            adapter.deactivate();
        }
        peer.close();
    }

    static Referral referralWithId(String id, Allegation... allegations) {
        Referral r = referral(FloridaAdapter.FLORIDA, allegations);
        return new Referral(new ReferralId(id), r.child(), r.placeOfCare(), r.reporter(), r.receivedAt(), r.occurredAt(),
                r.allegations());
    }

    void queue(Referral referral) {
        path.send(referral);
    }

    void flush() {
        flush(path);
    }

    /** The batch interval, now: what the attempts spooled goes to the server as one file. */
    static void flush(InMemoryPipeline path) {
        path.producer().requestBody(FloridaAdapter.FLUSH_ENDPOINT, (Object) null);
    }

    List<String> spooled() throws IOException {
        try (Stream<Path> files = Files.list(temp.resolve("spool"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

}
