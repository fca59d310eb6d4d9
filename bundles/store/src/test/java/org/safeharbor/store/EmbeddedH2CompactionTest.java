package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StatusUpdate;

/**
 * The embedded H2 file compacted while open ({@link EmbeddedH2Compaction}), on a real H2 file behind the distribution's
 * pool (dbcp2), with the store's own transactions per referral: it stays a fraction of the size it reaches without,
 * and everything stored survives compaction and an abrupt close (H2's {@code SHUTDOWN IMMEDIATELY}, as a killed
 * process leaves it).
 */
class EmbeddedH2CompactionTest {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");
    private static final int REFERRALS = 1_500;
    /** The raw submission: about the size of a hospital's Bundle, half of it incompressible (it is compressed, then encrypted). */
    private static final String RAW;

    static {
        byte[] noise = new byte[2_500];
        new Random(16).nextBytes(noise);
        RAW = "{\"resourceType\":\"Bundle\",\"id\":\"" + HexFormat.of().formatHex(noise) + "\",\"entry\":[" + "{}".repeat(1_500) + "]}";
    }

    @Test
    void theCompactedFileStaysAFractionOfTheSizeItReachesWithout(@TempDir Path dir) throws Exception {
        long without = store(dir.resolve("plain"), false);
        long with = store(dir.resolve("compacted"), true);
        // measured: 27 MB against 185 MB (BENCHMARKS.md has the figures of a whole run)
        assertTrue(with * 4 < without, "compacted " + with / 1024 + " KB, not compacted " + without / 1024 + " KB");
    }

    @Test
    void everythingStoredSurvivesCompactionAndAnAbruptClose(@TempDir Path dir) throws Exception {
        store(dir.resolve("db"), true);
        try (BasicDataSource pool = pool(dir.resolve("db"))) {
            MessageStore reopened = new MessageStore(pool, Clock.systemUTC());
            for (int i = 0; i < REFERRALS; i++) {
                ReferralId id = new ReferralId("r-" + i);
                StoredReferral stored = reopened.find(id).orElseThrow(() -> new AssertionError(id.value() + " lost"));
                assertEquals(List.of(DeliveryStatus.ACKNOWLEDGED), stored.deliveries().stream().map(Delivery::status).toList(), id.value());
                assertEquals("IL-" + i, stored.deliveries().get(0).stateIntakeNumber(), id.value());
                assertEquals(RAW, reopened.rawSubmission(id).orElseThrow().body(), id.value());
            }
        }
    }

    @Test
    void onceIdleTheFileGivesBackTheSpaceAPeakLeft(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("db");
        Path file = db.resolve("safeharbor.mv.db");
        try (BasicDataSource pool = pool(db)) {
            MessageStore store = new MessageStore(pool, Clock.systemUTC());
            EmbeddedH2Compaction compaction = new EmbeddedH2Compaction(pool, 90, 16 << 20, Duration.ZERO);
            for (int i = 0; i < REFERRALS; i++) {
                storeOne(store, i);
                if (i % 50 == 49) {
                    compaction.runOnce();
                }
            }
            // the peak has passed: all but the last 100 referrals are gone (as retention deletes them)
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("DELETE FROM referral WHERE CAST(SUBSTRING(id, 3) AS INT) < " + (REFERRALS - 100));
            }
            compaction.runOnce(); // a commit since the last run: chunks are rewritten, none moved
            long peak = Files.size(file);
            int idleRuns = 0;
            for (long before = -1; Files.size(file) != before && idleRuns < 100; idleRuns++) {
                before = Files.size(file);
                compaction.runOnce();
            }
            long idle = Files.size(file);
            // measured: 17.5 MB at the peak, 3.5 MB after two idle runs (the 100 referrals left); 18 MB without the move
            assertTrue(idle * 4 < peak, "idle " + idle / 1024 + " KB after " + idleRuns + " runs, peak " + peak / 1024 + " KB");
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN IMMEDIATELY"); // as a killed process leaves it
            }
        }
        try (BasicDataSource pool = pool(db)) {
            MessageStore reopened = new MessageStore(pool, Clock.systemUTC());
            for (int i = REFERRALS - 100; i < REFERRALS; i++) {
                ReferralId id = new ReferralId("r-" + i);
                assertEquals(RAW, reopened.rawSubmission(id).orElseThrow(() -> new AssertionError(id.value() + " lost")).body());
                assertEquals("IL-" + i, reopened.find(id).orElseThrow().deliveries().get(0).stateIntakeNumber(), id.value());
            }
            assertTrue(reopened.find(new ReferralId("r-0")).isEmpty());
        }
    }

    @Test
    void stoppingItWhileItRunsLeavesTheDatabaseOpen(@TempDir Path dir) throws Exception {
        // a stop must not interrupt a run: an interrupt inside H2's file I/O closes the file's channel and with it the
        // whole database (it did, within a few dozen stops, before deactivate stopped interrupting)
        try (BasicDataSource pool = pool(dir.resolve("db"))) {
            MessageStore store = new MessageStore(pool, Clock.systemUTC());
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            AtomicInteger stored = new AtomicInteger();
            Thread writer = new Thread(() -> {
                try {
                    while (!done.get()) {
                        storeOne(store, stored.getAndIncrement());
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "writer");
            writer.start();
            Random random = new Random(16);
            int runs = 0;
            for (int i = 0; i < 60 && failed.get() == null; i++) {
                EmbeddedH2Compaction compaction = new EmbeddedH2Compaction(pool, config("PT0.005S"), Duration.ZERO);
                Thread.sleep(random.nextInt(60));
                compaction.deactivate();
                runs += compaction.runs();
            }
            done.set(true);
            writer.join();
            assertNull(failed.get(), () -> "the database failed after " + stored.get() + " referrals: " + failed.get());
            assertTrue(stored.get() > 0 && runs > 60, stored.get() + " referrals stored, " + runs + " runs");
            storeOne(store, stored.get()); // and it still takes one
        }
    }

    @Test
    void itIsOnByDefault() throws Exception {
        // the shipped etc/org.safeharbor.store.compaction.cfg says PT1S too; without either the file grows ~300 KB a referral
        assertEquals("PT1S", EmbeddedH2Compaction.Config.class.getMethod("interval").getDefaultValue());
    }

    @Test
    void anInMemoryDatabaseHasNothingToCompact() throws Exception {
        try (BasicDataSource pool = new BasicDataSource()) {
            pool.setUrl("jdbc:h2:mem:compaction;DB_CLOSE_DELAY=-1");
            assertFalse(new EmbeddedH2Compaction(pool, 90, 1 << 20, Duration.ZERO).runOnce());
        }
    }

    @Test
    void anIntervalTooLongForTheShortRetentionIsRefused() throws Exception {
        try (BasicDataSource pool = new BasicDataSource()) {
            pool.setUrl("jdbc:h2:mem:compaction-config;DB_CLOSE_DELAY=-1");
            // freed space is reused after RETENTION (5 s): the file must be flushed well within it
            IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new EmbeddedH2Compaction(pool, config("PT3S")));
            assertTrue(refused.getMessage().contains("PT2.5S"), refused.getMessage());
            new EmbeddedH2Compaction(pool, config("PT2.5S")).deactivate();
            new EmbeddedH2Compaction(pool, config("PT0S")).deactivate(); // off
        }
    }

    private static EmbeddedH2Compaction.Config config(String interval) {
        return new EmbeddedH2Compaction.Config() {
            @Override
            public String interval() {
                return interval;
            }

            @Override
            public String firstRun() {
                return "PT60S";
            }

            @Override
            public int targetFillRate() {
                return EmbeddedH2Compaction.DEFAULT_TARGET_FILL_RATE;
            }

            @Override
            public int bytesPerRun() {
                return EmbeddedH2Compaction.DEFAULT_BYTES_PER_RUN;
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return EmbeddedH2Compaction.Config.class;
            }
        };
    }

    @Test
    void h2sOwnRetentionIsGivenBackWhenItStops(@TempDir Path dir) throws Exception {
        try (BasicDataSource pool = pool(dir.resolve("db"))) {
            new MessageStore(pool, Clock.systemUTC());
            EmbeddedH2Compaction compaction = new EmbeddedH2Compaction(pool, 90, 1 << 20, EmbeddedH2Compaction.RETENTION);
            assertTrue(compaction.runOnce());
            try (Connection connection = pool.getConnection()) {
                org.h2.mvstore.MVStore mv = EmbeddedH2Compaction.mvStore(connection);
                assertEquals(EmbeddedH2Compaction.RETENTION.toMillis(), mv.getRetentionTime());
                compaction.deactivate();
                assertEquals(45_000, mv.getRetentionTime());
            }
        }
    }

    /**
     * The store's transactions for {@link #REFERRALS} referrals (accepted, queued, attempted, acknowledged), compacted
     * every 50 referrals or not; then the database is closed as a killed process leaves it.
     *
     * @return the file's size while still open
     */
    private static long store(Path dir, boolean compact) throws Exception {
        try (BasicDataSource pool = pool(dir)) {
            MessageStore store = new MessageStore(pool, Clock.systemUTC());
            // no retention: within a test's few seconds H2's 45 s (or the shipped 5 s) would keep every freed chunk
            EmbeddedH2Compaction compaction = new EmbeddedH2Compaction(pool, 90, 16 << 20, Duration.ZERO);
            for (int i = 0; i < REFERRALS; i++) {
                storeOne(store, i);
                if (compact && i % 50 == 49) {
                    assertTrue(compaction.runOnce());
                }
            }
            long size = Files.size(dir.resolve("safeharbor.mv.db"));
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN IMMEDIATELY");
            }
            return size;
        }
    }

    /** Referral r-i through the store's four transactions: accepted, queued, attempted, acknowledged as IL-i. */
    private static void storeOne(MessageStore store, int i) {
        ReferralId id = new ReferralId("r-" + i);
        Child child = new Child(null, LocalDate.of(2011, 5, 1), Sex.FEMALE, new Address(null, null, "IL", null, "US"));
        Referral referral = new Referral(id, child, null, null, Instant.now(), null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)));
        store.accept("ehr|" + id.value(), referral, true, RAW, "application/fhir+json", Map.of(IL, DeliveryStatus.RECEIVED));
        store.markQueued(new StatusUpdate(id, IL, DeliveryStatus.QUEUED, null, Instant.now(), null));
        store.recordAttempt(id, IL, "<IntakeReport>" + "x".repeat(2_000) + "</IntakeReport>");
        store.update(new StatusUpdate(id, IL, DeliveryStatus.ACKNOWLEDGED, "IL-" + i, Instant.now(), null));
    }

    private static BasicDataSource pool(Path dir) {
        BasicDataSource pool = new BasicDataSource();
        // as etc/org.ops4j.datasource-safeharbor.cfg has it
        pool.setUrl("jdbc:h2:" + dir.resolve("safeharbor") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        pool.setMaxTotal(4);
        return pool;
    }
}
