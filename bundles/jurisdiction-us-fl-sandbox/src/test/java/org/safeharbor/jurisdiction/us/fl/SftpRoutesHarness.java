package org.safeharbor.jurisdiction.us.fl;

import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.util.function.ThrowingConsumer;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.jurisdiction.us.fl.sandbox.FloridaSftpPeer;
import org.safeharbor.store.StoreCipher;
import org.safeharbor.store.StoreKeys;
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
    /** The message store's database, where the adapter keeps its batches. */
    final DataSource database = TestDatabase.withBatchTables();
    FloridaSftpPeer peer;
    InMemoryPipeline path;
    FloridaAdapter adapter;
    int port;


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
        startRoutes(overrides, camel -> { });
    }

    /** The adapter with these configuration values on the core's path, {@code before} done to its context before it starts. */
    void startRoutes(Map<String, Object> overrides, ThrowingConsumer<CamelContext, Exception> before) throws Exception {
        adapter = new FloridaAdapter(config(overrides), reporter, database, Clock.fixed(NOW, ZoneOffset.UTC), true);
        // the path the core builds around the adapter, fed from a direct endpoint instead of the broker
        path = new InMemoryPipeline(adapter, reporter, Clock.fixed(NOW, ZoneOffset.UTC));
        before.accept(path.camel());
        path.start();
    }

    FloridaConfig config(Map<String, Object> overrides) {
        return config(temp, port, overrides);
    }

    /** The adapter's configuration for the peer on this port, a former spool folder under {@code temp}, then these values. */
    static FloridaConfig config(Path temp, int port, Map<String, Object> overrides) {
        Map<String, Object> c = new HashMap<>(Map.of("sftpHost", "127.0.0.1", "sftpPort", port, "sftpUsername", "safeharbor",
                "_sftpPassword", PASSWORD, "spoolDirectory", temp.resolve("spool").toString(),
                // batches are sent by the test (FLUSH_ENDPOINT), never by the interval during a test
                "batchInterval", "PT1H", "resendInterval", "PT0.5S", "statusPollInterval", "PT0.2S"));
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

    /** The batch interval, now, and the batch on the server: see {@link #flush(InMemoryPipeline, DataSource)}. */
    void flush() throws InterruptedException {
        flush(path, database);
    }

    /**
     * The batch interval, now: what the attempts collected goes to the server as one file. The Aggregator sends it on a
     * thread of its own; this waits until it is on the server (the database holds no batch any more).
     */
    static void flush(InMemoryPipeline path, DataSource database) throws InterruptedException {
        path.producer().requestBody(FloridaAdapter.FLUSH_ENDPOINT, (Object) null);
        await(() -> TestDatabase.batches(database) == 0);
    }

    /** Waits until the condition holds, 10 s at most (the caller asserts what it expects then). */
    static void await(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
    }

    /** The referral ids in the open batch, as the database holds it (read with the aggregator's own repository). */
    List<String> waiting() {
        Exchange open = repository().get(path.camel(), FloridaAdapter.CODE);
        if (open == null) {
            return List.of();
        }
        return open.getMessage().getBody(Map.class).keySet().stream().map(Object::toString).sorted().toList();
    }

    /** How many completed batches the database holds that are not yet confirmed on the server. */
    int unconfirmed() {
        return repository().scan(path.camel()).size();
    }

    private JdbcAggregationRepository repository() {
        // the adapter's own repository with its cipher: the in-memory store keys are this JVM's, as the adapter's
        JdbcAggregationRepository repository = FloridaTransport.repository(database, new StoreCipher(StoreKeys.inMemory()));
        repository.start();
        return repository;
    }

}
