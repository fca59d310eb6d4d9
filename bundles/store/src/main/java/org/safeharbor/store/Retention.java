package org.safeharbor.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.store.MessageStore.Purged;

/** Retention: what is past its time is deleted, never a referral that still has something to do. */
final class Retention {

    /** The open statuses ({@link DeliveryStatus#isOpen()}) as an SQL list, e.g. {@code ('RECEIVED', 'QUEUED', 'ON_HOLD')}. */
    private static final String OPEN_SQL = java.util.Arrays.stream(DeliveryStatus.values()).filter(DeliveryStatus::isOpen)
            .map(st -> "'" + st.name() + "'").collect(java.util.stream.Collectors.joining(", ", "(", ")"));

    private final Db db;

    Retention(Db db) {
        this.db = db;
    }

    /** Referrals deleted per transaction: a sweep after months of backlog neither holds one huge transaction nor locks the store for its length. */
    static final int BATCH = 500;

    /**
     * A referral past its retention: every delivery is done (delivered, acknowledged, screened, not sent) and it arrived
     * before the first parameter; with a failed or rejected delivery, or a failed notice, only once it arrived before
     * the second (and third). A referral with a delivery still open (received, queued, on hold) or a notice still to be
     * sent is never past it, whatever its age.
     */
    private static final String PAST_RETENTION = "r.received_at < ?"
            + " AND NOT EXISTS (SELECT 1 FROM referral_delivery d WHERE d.referral_id = r.id AND d.status IN " + OPEN_SQL + ")"
            + " AND (r.received_at < ? OR NOT EXISTS (SELECT 1 FROM referral_delivery d WHERE d.referral_id = r.id AND d.status IN ('FAILED', 'REJECTED')))"
            // a notice still to be sent keeps its referral; a failed one is kept as long as a failed delivery
            + " AND NOT EXISTS (SELECT 1 FROM referral_notice n WHERE n.referral_id = r.id AND n.status IN ('PENDING', 'QUEUED'))"
            + " AND (r.received_at < ? OR NOT EXISTS (SELECT 1 FROM referral_notice n WHERE n.referral_id = r.id AND n.status = 'FAILED'))";

    /**
     * Deletes the referrals past their retention ({@link #PAST_RETENTION}), {@link #BATCH} per transaction, each batch
     * chosen again inside its transaction (so a referral that became open meanwhile stays), telling {@code progress}
     * after each; then the submissions refused at intake before {@code rejectedBefore}.
     */
    Purged purge(Instant deliveredBefore, Instant erroredBefore, Instant rejectedBefore, MessageStore.Progress progress) {
        Object[] args = {deliveredBefore.atOffset(ZoneOffset.UTC), erroredBefore.atOffset(ZoneOffset.UTC), erroredBefore.atOffset(ZoneOffset.UTC)};
        long total = db.jdbc.queryForObject("SELECT COUNT(*) FROM referral r WHERE " + PAST_RETENTION, Long.class, args);
        int deleted = 0;
        int batch;
        do {
            batch = db.tx.execute(status -> {
                List<String> ids = db.jdbc.queryForList("SELECT r.id FROM referral r WHERE " + PAST_RETENTION + " LIMIT " + BATCH, String.class, args);
                // every row that speaks of the referral goes with it (ON DELETE CASCADE, schema version 2)
                db.jdbc.batchUpdate("DELETE FROM referral WHERE id = ?", ids.stream().map(id -> new Object[] {id}).toList());
                return ids.size();
            });
            deleted += batch;
            if (batch > 0) {
                progress.progress(deleted, Math.max(total, deleted));
            }
        } while (batch == BATCH);
        int rejections = db.jdbc.update("DELETE FROM intake_rejection WHERE received_at < ?", rejectedBefore.atOffset(ZoneOffset.UTC));
        return new Purged(deleted, rejections);
    }

    /**
     * Deletes the delivered-message keys of the jurisdictions' idempotent consumer (Camel's table
     * CAMEL_MESSAGEPROCESSED) recorded before {@code before}; none if the table does not exist yet.
     */
    int purgeDeliveredKeys(Instant before) {
        try {
            db.jdbc.queryForList("SELECT 1 FROM CAMEL_MESSAGEPROCESSED WHERE 1 = 0");
        } catch (org.springframework.jdbc.BadSqlGrammarException noTable) {
            return 0;
        }
        return db.jdbc.update("DELETE FROM CAMEL_MESSAGEPROCESSED WHERE createdAt < ?", java.sql.Timestamp.from(before));
    }
}
