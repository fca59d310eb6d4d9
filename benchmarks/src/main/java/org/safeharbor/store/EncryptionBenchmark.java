package org.safeharbor.store;

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
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.fhir.SubmissionMapping;
import org.safeharbor.jurisdiction.us.il.IllinoisFormat;
import org.safeharbor.json.v1.ReferralJson;

/**
 * The cost of encrypting the personal data at rest, per referral, on the Illinois sample: what the store encrypts when
 * it accepts a referral and records its first delivery attempt (the raw submission, the canonical JSON, the state's
 * payload: {@link #seal_perReferral}), what it decrypts to deliver, replay or show it ({@link #open_perReferral}), and,
 * for scale, the store's whole work for one referral on an in-memory H2 with encryption in it
 * ({@link #store_acceptAttemptFind}). In this package because the cipher is the store's own, package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EncryptionBenchmark {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");

    private FieldCipher cipher;
    private String key;
    private Referral referral;
    private String raw;
    private String canonical;
    private String payload;
    private String sealedRaw;
    private String sealedCanonical;
    private String sealedPayload;

    @Setup
    public void setUp() throws IOException {
        try (InputStream in = EncryptionBenchmark.class.getClassLoader().getResourceAsStream("samples/lives-in-one-state-seen-in-another.json")) {
            raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        referral = new SubmissionMapping(Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC))
                .map(raw.getBytes(StandardCharsets.UTF_8));
        canonical = ReferralJson.INSTANCE.write(referral);
        payload = new IllinoisFormat().write(referral).orElseThrow();
        cipher = new FieldCipher(StoreKeys.inMemory());
        key = cipher.currentKey();
        String id = referral.id().value();
        sealedRaw = cipher.seal(key, raw, FieldCipher.Column.REFERRAL_RAW, id);
        sealedCanonical = cipher.seal(key, canonical, FieldCipher.Column.REFERRAL_CANONICAL, id);
        sealedPayload = cipher.seal(key, payload, FieldCipher.Column.ATTEMPT_PAYLOAD, id, IL.code(), 1);
        System.out.printf("%nsizes (chars): raw %d, canonical %d, Illinois payload %d; stored (base64 of IV + ciphertext + tag): %d, %d, %d%n",
                raw.length(), canonical.length(), payload.length(), sealedRaw.length(), sealedCanonical.length(), sealedPayload.length());
    }

    /** The store of {@link #store_acceptAttemptFind}: a fresh in-memory database for each iteration, so it does not grow across the run. */
    @State(Scope.Thread)
    public static class Store {
        MessageStore store;
        long next;

        @Setup(Level.Iteration)
        public void fresh() {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
            store = new MessageStore(h2, Clock.systemUTC(), StoreKeys.inMemory());
        }
    }

    @Benchmark
    public int seal_perReferral() {
        String id = referral.id().value();
        return cipher.seal(key, raw, FieldCipher.Column.REFERRAL_RAW, id).length()
                + cipher.seal(key, canonical, FieldCipher.Column.REFERRAL_CANONICAL, id).length()
                + cipher.seal(key, payload, FieldCipher.Column.ATTEMPT_PAYLOAD, id, IL.code(), 1).length();
    }

    @Benchmark
    public int open_perReferral() {
        String id = referral.id().value();
        return cipher.open(key, sealedRaw, FieldCipher.Column.REFERRAL_RAW, id).length()
                + cipher.open(key, sealedCanonical, FieldCipher.Column.REFERRAL_CANONICAL, id).length()
                + cipher.open(key, sealedPayload, FieldCipher.Column.ATTEMPT_PAYLOAD, id, IL.code(), 1).length();
    }

    /** What the store does for one referral: accept it, record its delivery attempt (with its audit record), read it back. */
    @Benchmark
    public StoredReferral store_acceptAttemptFind(Store s) {
        ReferralId id = new ReferralId(UUID.randomUUID().toString());
        Referral one = new Referral(id, referral.child(), referral.placeOfCare(), referral.reporter(), referral.receivedAt(),
                referral.occurredAt(), referral.allegations());
        s.store.accept("hospital", "ehr|" + (s.next++), one, true, raw, "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED), Map.of());
        s.store.recordAttempt(id, IL, payload);
        return s.store.find(id).orElseThrow();
    }
}
