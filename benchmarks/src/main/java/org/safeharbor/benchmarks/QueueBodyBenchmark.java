package org.safeharbor.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.h2.jdbcx.JdbcDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.fhir.SubmissionMapping;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.routes.QueueBody;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.StoreCipher;
import org.safeharbor.store.StoreKeys;
import org.safeharbor.store.StoredReferral;

/**
 * Issue 14, the queue message body: what sealing the canonical referral for the broker costs per referral (the intake
 * writes it once, each state's pipeline reads it once per queue message), against the clear JSON it replaces, and
 * against the alternative of queueing only the referral id, which reads the referral from the message store on every
 * delivery ({@link #idOnly_storeFind}: the store's own read, decrypting its canonical column, on an in-memory H2 holding
 * 10,000 referrals). The Illinois sample, as {@code EncryptionBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QueueBodyBenchmark {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");
    private static final int STORED = 10_000;

    private Referral referral;
    private QueueBody sealing;
    private String clear;
    private String sealed;
    private MessageStore store;
    private Referral[] stored;
    private int next;

    @Setup
    public void setUp() throws IOException {
        String raw;
        try (InputStream in = QueueBodyBenchmark.class.getClassLoader().getResourceAsStream("samples/lives-in-one-state-seen-in-another.json")) {
            raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        referral = new SubmissionMapping(Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC))
                .map(raw.getBytes(StandardCharsets.UTF_8));
        StoreKeys keys = StoreKeys.inMemory();
        sealing = new QueueBody(new StoreCipher(keys));
        clear = ReferralJson.INSTANCE.write(referral);
        sealed = sealing.write(referral);
        System.out.printf("%nqueue message body (chars): clear canonical JSON %d, sealed (base64 of key id, IV, ciphertext, tag) %d%n",
                clear.length(), sealed.length());

        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(h2, Clock.systemUTC(), keys);
        stored = new Referral[STORED];
        for (int i = 0; i < STORED; i++) {
            stored[i] = new Referral(new org.safeharbor.api.v1.ReferralId(UUID.randomUUID().toString()), referral.child(),
                    referral.placeOfCare(), referral.reporter(), referral.receivedAt(), referral.occurredAt(), referral.allegations());
            store.accept("hospital", "ehr|" + i, stored[i], true, raw, "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED), Map.of());
        }
    }

    /** Before: the intake's queue message body, the canonical JSON in clear. */
    @Benchmark
    public String clear_write() {
        return ReferralJson.INSTANCE.write(referral);
    }

    /** Now: the same, sealed with the store's cipher and Base64. */
    @Benchmark
    public String sealed_write() {
        return sealing.write(referral);
    }

    /** Before: a state's pipeline reading the queue message. */
    @Benchmark
    public Referral clear_read() {
        return ReferralJson.INSTANCE.read(clear);
    }

    /** Now: opened, then read. */
    @Benchmark
    public Referral sealed_read() {
        return sealing.read(sealed, referral.id().value());
    }

    /** The id-only alternative: each delivery reads the referral from the message store. */
    @Benchmark
    public StoredReferral idOnly_storeFind() {
        return store.find(stored[(next++ & Integer.MAX_VALUE) % STORED].id()).orElseThrow();
    }
}
