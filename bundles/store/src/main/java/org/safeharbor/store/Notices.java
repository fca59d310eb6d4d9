package org.safeharbor.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PendingNotice;
import org.safeharbor.api.v1.ReferralId;

/**
 * The notices a state's status calls for (api 1.3, e.g. Massachusetts' to the District Attorney), each
 * recorded once per recipient, with its attempts and outcome.
 */
final class Notices {

    private final Db db;
    private final DeliveryLog deliveries;

    Notices(Db db, DeliveryLog deliveries) {
        this.db = db;
        this.deliveries = deliveries;
    }

    /**
     * {@link org.safeharbor.api.v1.StatusReporter#recordNotice}. The delivery's row is locked while this runs
     * (as {@link DeliveryLog#report} locks it), so the state's status cannot change underneath, and two
     * call-backs at once record the notice once.
     */
    boolean recordNotice(ReferralId referralId, Jurisdiction jurisdiction, String recipient, DeliveryStatus trigger, String payload) {
        PendingNotice.requireRecipient(recipient);
        return Boolean.TRUE.equals(db.tx.execute(status -> {
            DeliveryStatus current = deliveries.currentStatus(referralId, jurisdiction)
                    .orElseThrow(() -> new java.util.NoSuchElementException("no delivery of referral " + referralId
                            + " to " + jurisdiction.code()));
            if (current != trigger || noticeStatus(referralId, jurisdiction, recipient).isPresent()) {
                return false;
            }
            OffsetDateTime now = db.now();
            String key = db.cipher.currentKey();
            db.jdbc.update("INSERT INTO referral_notice (referral_id, jurisdiction, recipient, status, trigger_status, payload,"
                            + " recorded_at, updated_at, key_id) VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?, ?)",
                    referralId.value(), jurisdiction.code(), recipient, trigger.name(),
                    db.cipher.seal(key, payload, FieldCipher.Column.NOTICE_PAYLOAD, referralId.value(), jurisdiction.code(), recipient), now, now, key);
            db.event(referralId, "notice-due", jurisdiction, recipient + " on " + trigger);
            return true;
        }));
    }

    /** The notice's status, its row locked until the transaction ends. */
    private Optional<Notice.Status> noticeStatus(ReferralId referralId, Jurisdiction jurisdiction, String recipient) {
        return db.jdbc.queryForList("SELECT status FROM referral_notice WHERE referral_id = ? AND jurisdiction = ? AND recipient = ? FOR UPDATE",
                String.class, referralId.value(), jurisdiction.code(), recipient).stream().findFirst().map(Notice.Status::valueOf);
    }

    void noticeQueued(ReferralId referralId, Jurisdiction jurisdiction, String recipient) {
        db.jdbc.update("UPDATE referral_notice SET status = 'QUEUED', updated_at = ? WHERE referral_id = ? AND jurisdiction = ?"
                + " AND recipient = ? AND status = 'PENDING'", db.now(), referralId.value(), jurisdiction.code(), recipient);
    }

    List<PendingNotice> unqueuedNotices(Jurisdiction jurisdiction, Instant recordedBefore, int limit) {
        return db.jdbc.query("SELECT referral_id, recipient, key_id, payload FROM referral_notice WHERE jurisdiction = ? AND status = 'PENDING'"
                        + " AND recorded_at < ? ORDER BY recorded_at LIMIT ?",
                (rs, n) -> new PendingNotice(new ReferralId(rs.getString(1)), jurisdiction, rs.getString(2),
                        db.cipher.open(rs.getString(3), rs.getString(4), FieldCipher.Column.NOTICE_PAYLOAD, rs.getString(1), jurisdiction.code(),
                                rs.getString(2))),
                jurisdiction.code(), recordedBefore.atOffset(ZoneOffset.UTC), limit);
    }

    int recordNoticeAttempt(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String payload) {
        Integer attempt = db.tx.execute(status -> {
            Optional<Notice.Status> current = noticeStatus(referralId, jurisdiction, recipient);
            if (current.isEmpty() || current.get() == Notice.Status.SENT) {
                return 0;
            }
            // the notice's row is locked: attempts of one notice are numbered one at a time
            int next = db.jdbc.queryForObject("SELECT COALESCE(MAX(attempt), 0) + 1 FROM notice_attempt WHERE referral_id = ?"
                    + " AND jurisdiction = ? AND recipient = ?", Integer.class, referralId.value(), jurisdiction.code(), recipient);
            String key = db.cipher.currentKey();
            db.jdbc.update("INSERT INTO notice_attempt (referral_id, jurisdiction, recipient, attempt, started_at, payload, key_id)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)", referralId.value(), jurisdiction.code(), recipient, next, db.now(),
                    db.cipher.seal(key, payload, FieldCipher.Column.NOTICE_ATTEMPT_PAYLOAD, referralId.value(), jurisdiction.code(), recipient, next),
                    key);
            db.event(referralId, "notice-attempt", jurisdiction, recipient + " attempt " + next);
            // each notice that leaves the adapter, one per attempt, last in the transaction
            db.audit.append(DisclosedFields.describe(AuditEntry.of(AuditEntry.Kind.NOTICE, AuditEntry.Actor.adapter())
                    .referral(referralId).jurisdiction(jurisdiction).recipient(recipient).detail("attempt", next), db, referralId, payload)
                    .build());
            return next;
        });
        return attempt == null ? 0 : attempt;
    }

    void recordNoticeAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt, String reason) {
        db.tx.executeWithoutResult(status -> {
            db.jdbc.update("UPDATE notice_attempt SET outcome = 'FAILED', detail = ? WHERE referral_id = ? AND jurisdiction = ?"
                            + " AND recipient = ? AND attempt = ?",
                    Db.truncate(reason, 1000), referralId.value(), jurisdiction.code(), recipient, attempt);
            db.event(referralId, "notice-attempt-failed", jurisdiction, recipient + " attempt " + attempt + ": " + Db.truncate(reason, 1900));
        });
    }

    void noticeSent(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt) {
        db.tx.executeWithoutResult(status -> {
            db.jdbc.update("UPDATE notice_attempt SET outcome = 'SENT' WHERE referral_id = ? AND jurisdiction = ? AND recipient = ? AND attempt = ?",
                    referralId.value(), jurisdiction.code(), recipient, attempt);
            db.jdbc.update("UPDATE referral_notice SET status = 'SENT', reason = NULL, updated_at = ? WHERE referral_id = ? AND jurisdiction = ?"
                    + " AND recipient = ?", db.now(), referralId.value(), jurisdiction.code(), recipient);
            db.event(referralId, "notice-sent", jurisdiction, recipient + " attempt " + attempt);
        });
    }

    /** {@link org.safeharbor.api.v1.StatusReporter#noticeFailed}; a notice already sent stays sent (a stale copy from the queue gave up). */
    void noticeFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String reason) {
        db.tx.executeWithoutResult(status -> {
            int rows = db.jdbc.update("UPDATE referral_notice SET status = 'FAILED', reason = ?, updated_at = ? WHERE referral_id = ?"
                            + " AND jurisdiction = ? AND recipient = ? AND status <> 'SENT'",
                    Db.truncate(reason, 1000), db.now(), referralId.value(), jurisdiction.code(), recipient);
            if (rows > 0) {
                db.event(referralId, "notice-failed", jurisdiction, recipient + ": " + Db.truncate(reason, 1900));
            }
        });
    }

    /** A referral's notices, by jurisdiction and recipient. Codes, statuses and times only: no personal data. */
    List<Notice> notices(ReferralId referralId) {
        return db.jdbc.query("SELECT n.jurisdiction, n.recipient, n.status, n.trigger_status, n.reason, n.recorded_at, n.updated_at,"
                        + " (SELECT COUNT(*) FROM notice_attempt a WHERE a.referral_id = n.referral_id AND a.jurisdiction = n.jurisdiction"
                        + " AND a.recipient = n.recipient) FROM referral_notice n WHERE n.referral_id = ? ORDER BY n.jurisdiction, n.recipient",
                (rs, n) -> new Notice(Jurisdiction.of(rs.getString(1)), rs.getString(2), Notice.Status.valueOf(rs.getString(3)),
                        DeliveryStatus.valueOf(rs.getString(4)), rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant(),
                        rs.getObject(7, OffsetDateTime.class).toInstant(), rs.getInt(8)),
                referralId.value());
    }

    /** Every attempt to send a referral's notices, in order. */
    List<NoticeAttempt> noticeAttempts(ReferralId referralId) {
        return db.jdbc.query("SELECT jurisdiction, recipient, attempt, started_at, outcome, detail, key_id, payload FROM notice_attempt"
                        + " WHERE referral_id = ? ORDER BY started_at, jurisdiction, recipient, attempt",
                (rs, n) -> {
                    String payload = db.cipher.open(rs.getString(7), rs.getString(8), FieldCipher.Column.NOTICE_ATTEMPT_PAYLOAD,
                            referralId.value(), rs.getString(1), rs.getString(2), rs.getInt(3));
                    return new NoticeAttempt(Jurisdiction.of(rs.getString(1)), rs.getString(2), rs.getInt(3),
                            rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5), rs.getString(6), payload == null ? 0 : payload.length());
                }, referralId.value());
    }

    /** The payload a notice attempt sent, for an operator. */
    Optional<String> noticePayload(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt) {
        return db.jdbc.query("SELECT key_id, payload FROM notice_attempt WHERE referral_id = ? AND jurisdiction = ? AND recipient = ? AND attempt = ?",
                (rs, n) -> db.cipher.open(rs.getString(1), rs.getString(2), FieldCipher.Column.NOTICE_ATTEMPT_PAYLOAD, referralId.value(),
                        jurisdiction.code(), recipient, attempt), referralId.value(), jurisdiction.code(), recipient, attempt).stream().findFirst();
    }
}
