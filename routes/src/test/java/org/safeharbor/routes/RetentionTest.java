package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
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
import org.safeharbor.store.MessageStore;

/** Retention by configuration: the sweep deletes what is past its time and keeps the rest. */
class RetentionTest {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");

    private static Retention.Config config(String delivered, String errored) {
        return new Retention.Config() {
            public Class<? extends Annotation> annotationType() { return Retention.Config.class; }
            public String delivered() { return delivered; }
            public String errored() { return errored; }
            public String rejectedSubmissions() { return "P365D"; }
            public String interval() { return "PT1H"; }
            public String deadLetterExpiry() { return "P30D"; }
        };
    }

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    /** A store in a fresh in-memory H2 whose clock says {@link #NOW}. */
    private static MessageStore memoryStore() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return new MessageStore(h2, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static void accept(MessageStore store, String id, Instant receivedAt, DeliveryStatus status) {
        Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "IL", null, "US"));
        store.accept("ehr|" + id, new Referral(new ReferralId(id), child, null, null, receivedAt, null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED))), true, "{}", "application/fhir+json",
                Map.of(IL, DeliveryStatus.QUEUED));
        if (status != DeliveryStatus.QUEUED) {
            store.update(new StatusUpdate(new ReferralId(id), IL, status, null, receivedAt.plusSeconds(60), null));
        }
    }

    @Test
    void deliveredGoAfterTheirRetentionErroredLaterAndUndeliveredNever() throws Exception {
        MessageStore store = memoryStore();
        Instant now = NOW;
        Instant fortyDaysAgo = now.minus(java.time.Duration.ofDays(40));
        accept(store, "delivered-old", fortyDaysAgo, DeliveryStatus.ACKNOWLEDGED);
        accept(store, "delivered-new", now.minus(java.time.Duration.ofDays(10)), DeliveryStatus.ACKNOWLEDGED);
        accept(store, "failed-old", fortyDaysAgo, DeliveryStatus.FAILED);
        accept(store, "queued-old", now.minus(java.time.Duration.ofDays(400)), DeliveryStatus.QUEUED);

        store.aggregateMinimumCell(1);
        List<org.safeharbor.store.AggregateCell> counts = store.aggregateCounts();
        Retention retention = new Retention(store, config("P30D", "P90D"), Clock.fixed(now, ZoneOffset.UTC));
        try {
            assertEquals(new MessageStore.Purged(1, 0), retention.sweep());
            // listed for harbor:operations and the console, ended, with what it did
            org.safeharbor.store.Operations.Operation op = store.operations().recent().get(0);
            assertEquals(org.safeharbor.store.Operations.Kind.RETENTION_PURGE, op.kind());
            assertEquals(org.safeharbor.store.Operations.State.DONE, op.state());
            assertEquals("1 of 1", op.progressText());
            assertEquals("1 referral(s), 0 refused submission(s), 0 delivered-message key(s) deleted", op.outcome());
        } finally {
            retention.deactivate();
        }
        assertEquals(counts, store.aggregateCounts(), "the sweep deletes a referral, never its de-identified counts");
        assertTrue(counts.stream().anyMatch(c -> c.outcome().equals("acknowledged") && c.isoWeek().equals("2026-W42")),
                "the deleted referral's cell: " + counts);
        assertTrue(store.find(new ReferralId("delivered-old")).isEmpty());
        assertTrue(store.find(new ReferralId("delivered-new")).isPresent());
        assertTrue(store.find(new ReferralId("failed-old")).isPresent(), "errored referrals are kept longer");
        assertTrue(store.find(new ReferralId("queued-old")).isPresent(), "an undelivered referral is never deleted");
    }

    @Test
    void aSweepStoppedWithTheComponentEndsAfterTheBatchItIsDeleting() throws Exception {
        // stopped by a flag, never by an interrupt: one that reaches the embedded H2 in its file I/O closes the database
        MessageStore store = memoryStore();
        Instant now = NOW;
        for (int i = 0; i < 501; i++) {
            accept(store, "delivered-old-" + i, now.minus(java.time.Duration.ofDays(40)), DeliveryStatus.ACKNOWLEDGED);
        }
        Retention retention = new Retention(store, config("P30D", "P90D"), Clock.fixed(now, ZoneOffset.UTC));
        retention.deactivate();
        assertThrows(java.util.concurrent.CancellationException.class, retention::sweep);
        long left = java.util.stream.IntStream.range(0, 501)
                .filter(i -> store.find(new ReferralId("delivered-old-" + i)).isPresent()).count();
        assertEquals(1, left, "the first batch of 500 is deleted, the rest waits for the next start");
        Retention next = new Retention(store, config("P30D", "P90D"), Clock.fixed(now, ZoneOffset.UTC));
        try {
            assertEquals(new MessageStore.Purged(1, 0), next.sweep());
        } finally {
            next.deactivate();
        }
    }

    @Test
    void erroredRetentionShorterThanDeliveredIsRefused() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        MessageStore store = new MessageStore(h2);
        assertThrows(IllegalArgumentException.class, () -> new Retention(store, config("P90D", "P30D"), Clock.systemUTC()));
    }
}
