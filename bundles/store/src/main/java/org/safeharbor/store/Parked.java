package org.safeharbor.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;

/**
 * What waits for an operator outside the normal path: messages that expired from the dead-letter and quarantine
 * queues into the store ({@code expired_queue_message}, schema version 6), and the referrals held for a state that
 * has no bundle, which only an operator's explicit purge removes.
 */
final class Parked {

    /** The reason a purged delivery keeps, for the hospital's Task and the operator (no personal data). */
    static final String PURGED = "purged by an operator: no bundle for this jurisdiction was installed";

    private final Db db;
    private final DeliveryLog deliveryLog;

    Parked(Db db, DeliveryLog deliveryLog) {
        this.db = db;
        this.deliveryLog = deliveryLog;
    }

    /**
     * Records that a message left the broker: false, and nothing written, when the store does not hold its referral
     * (retention deleted it, or it is not a referral): then nothing of it is to be kept. The same message recorded
     * twice (taken again after a crash before the broker's commit) is recorded once.
     */
    boolean recordExpired(String messageId, ReferralId referralId, Jurisdiction jurisdiction, String queue, Instant parkedAt) {
        Boolean recorded = db.tx.execute(status -> {
            Integer referrals = db.jdbc.queryForObject("SELECT COUNT(*) FROM referral WHERE id = ?", Integer.class, referralId.value());
            if (referrals == 0) {
                return false;
            }
            Integer seen = db.jdbc.queryForObject("SELECT COUNT(*) FROM expired_queue_message WHERE message_id = ?", Integer.class,
                    Db.truncate(messageId, 200));
            if (seen == 0) {
                db.jdbc.update("INSERT INTO expired_queue_message (message_id, referral_id, jurisdiction, queue, parked_at, expired_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?)", Db.truncate(messageId, 200), referralId.value(), jurisdiction.code(),
                        queue, parkedAt.atOffset(ZoneOffset.UTC), db.now());
                db.event(referralId, "expired-from-broker", jurisdiction, "left " + queue + "; kept in the store");
            }
            return true;
        });
        return Boolean.TRUE.equals(recorded);
    }

    /**
     * The messages that expired from the jurisdiction's dead-letter queue and were not replayed since, oldest first: the
     * dead letters {@code harbor:dead-letters} lists beside those still on the broker.
     */
    List<ExpiredMessage> expiredDeadLetters(Jurisdiction jurisdiction) {
        return db.jdbc.query("SELECT e.message_id, e.referral_id, e.queue, e.parked_at, e.expired_at FROM expired_queue_message e"
                        + " WHERE e.jurisdiction = ? AND e.queue = ? AND NOT EXISTS (SELECT 1 FROM referral_replay p"
                        + " WHERE p.referral_id = e.referral_id AND p.jurisdiction = e.jurisdiction AND p.requested_at >= e.expired_at)"
                        + " ORDER BY e.parked_at",
                (rs, n) -> new ExpiredMessage(rs.getString(1), new ReferralId(rs.getString(2)), jurisdiction, rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getObject(5, OffsetDateTime.class).toInstant()),
                jurisdiction.code(), DeliveryContract.deadLetters(jurisdiction));
    }

    /** The referrals on hold for {@code jurisdiction} received before {@code receivedBefore}, oldest first. */
    List<ReferralId> onHold(Jurisdiction jurisdiction, Instant receivedBefore) {
        return db.jdbc.queryForList("SELECT r.id FROM referral r JOIN referral_delivery d ON d.referral_id = r.id"
                        + " WHERE d.jurisdiction = ? AND d.status = 'ON_HOLD' AND r.received_at < ? ORDER BY r.received_at", String.class,
                jurisdiction.code(), receivedBefore.atOffset(ZoneOffset.UTC)).stream().map(ReferralId::new).toList();
    }

    /**
     * Purges held referrals, each only if still on hold for {@code jurisdiction} (its row locked): a referral that
     * concerns no other state is deleted with everything stored of it (its personal data included); one that other
     * states received keeps what they need until its retention, and its delivery to this state is closed as
     * {@link DeliveryStatus#NOT_SENT}. One transaction, with its audit record (the operator and counts only).
     */
    MessageStore.OnHoldPurged purgeOnHold(Jurisdiction jurisdiction, List<ReferralId> ids, AuditEntry.Builder audit) {
        return db.tx.execute(status -> {
            List<String> deleted = new ArrayList<>();
            int closed = 0;
            int skipped = 0;
            for (ReferralId id : ids) {
                if (deliveryLog.currentStatus(id, jurisdiction).orElse(null) != DeliveryStatus.ON_HOLD) {
                    skipped++; // delivered meanwhile (a bundle came), or gone
                    continue;
                }
                Integer others = db.jdbc.queryForObject("SELECT COUNT(*) FROM referral_delivery WHERE referral_id = ? AND jurisdiction <> ?",
                        Integer.class, id.value(), jurisdiction.code());
                if (others == 0) {
                    deleted.add(id.value());
                } else {
                    deliveryLog.update(new org.safeharbor.api.v1.StatusUpdate(id, jurisdiction, DeliveryStatus.NOT_SENT, null, db.instant(),
                            PURGED));
                    closed++;
                }
            }
            // every row that speaks of the referral goes with it (ON DELETE CASCADE); the audit trail has no foreign key
            db.jdbc.batchUpdate("DELETE FROM referral WHERE id = ?", deleted.stream().map(d -> new Object[] {d}).toList());
            MessageStore.OnHoldPurged purged = new MessageStore.OnHoldPurged(deleted.size(), closed, skipped);
            db.audit.append(audit.jurisdiction(jurisdiction).detail("referrals-deleted", purged.deleted())
                    .detail("deliveries-closed", purged.closed()).detail("skipped-no-longer-on-hold", purged.skipped()).build());
            return purged;
        });
    }
}
