package org.safeharbor.jurisdiction.us.il;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.jurisdiction.us.il.sandbox.IllinoisIntakePeer;
import org.safeharbor.tck.InMemoryPipeline;
import org.safeharbor.tck.RecordingStatusReporter;

/**
 * The core's delivery path around the adapter in a plain CamelContext (the durable queue replaced by {@code direct:queue},
 * the dead-letter and quarantine queues by {@code mock:dlq} and {@code mock:quarantine}, retries made
 * short: 2 from 10 ms), talking SOAP to the real sandbox peer on a free local port.
 */
abstract class IllinoisPeerFixture {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:20:00Z"), ZoneOffset.UTC);

    @TempDir
    Path records;

    IllinoisIntakePeer peer;
    RecordingStatusReporter reporter;
    InMemoryPipeline path;
    TestAdapter adapter;

    @BeforeEach
    void startPeer() throws Exception {
        peer = new IllinoisIntakePeer("127.0.0.1", 0, records, CLOCK).start();
        reporter = new RecordingStatusReporter();
    }

    @AfterEach
    void stopAll() throws Exception {
        if (path != null) {
            path.close();
        }
        if (adapter != null) {
            adapter.close();
        }
        peer.stop();
    }

    /** Starts the adapter's routes against the peer, with these config values on top of the defaults. */
    void startAdapter(Map<String, Object> config, UnaryOperator<String> tamper) throws Exception {
        startAdapter(config, tamper, true);
    }

    /** As above; {@code sandbox} false: as outside the sandbox (an http:// intake is refused). */
    void startAdapter(Map<String, Object> config, UnaryOperator<String> tamper, boolean sandbox) throws Exception {
        Map<String, Object> values = new HashMap<>(config);
        values.putIfAbsent("intakeUrl", peer.intakeUrl());
        values.putIfAbsent("maximumRedeliveries", RETRIES);
        values.putIfAbsent("redeliveryDelay", "PT0.01S");
        values.putIfAbsent("maximumRedeliveryDelay", "PT0.05S");
        adapter = new TestAdapter(Configs.adapter(values), Configs.redelivery(values), reporter, tamper, sandbox);
        // the path the core builds around the adapter, on in-memory queues
        path = new InMemoryPipeline(adapter, reporter, CLOCK).start();
    }

    void startAdapter() throws Exception {
        startAdapter(Map.of(), UnaryOperator.identity());
    }

    /** Retries in the tests (the first attempt and this many more). */
    static final int RETRIES = 2;

    /** The canonical JSON bodies that reached the dead-letter queue. */
    List<String> deadLetters() {
        return path.deadLetters();
    }

    /** The canonical JSON bodies that reached the quarantine queue. */
    List<String> quarantined() {
        return path.quarantined();
    }

    /** What the core does: the canonical JSON on the jurisdiction's queue. */
    Exchange deliver(Referral referral) {
        return path.send(referral);
    }

    /** The adapter, reading a test queue, and optionally tampering with its own payload to provoke the peer. */
    static final class TestAdapter extends IllinoisAdapter {
        private final StateFormat format;

        TestAdapter(Config config, Redelivery redelivery, RecordingStatusReporter reporter, UnaryOperator<String> tamper, boolean sandbox) {
            super(config, redelivery, reporter, sandbox);
            StateFormat real = super.format();
            format = new StateFormat() {
                public String mediaType() { return real.mediaType(); }
                public Optional<String> write(Referral referral) { return real.write(referral).map(tamper); }
                public Referral read(String payload) { return real.read(payload); }
                public Set<ReferralField> disclosedFields() { return real.disclosedFields(); }
                public Map<AllegationType, String> unsupportedTypes() { return real.unsupportedTypes(); }
                public Optional<String> atRiskRule() { return real.atRiskRule(); }
            };
        }

        @Override
        public StateFormat format() {
            return format;
        }
    }
}
