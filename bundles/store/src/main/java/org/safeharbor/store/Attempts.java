package org.safeharbor.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.springframework.dao.DuplicateKeyException;

/**
 * The delivery log's attempts, numbered per referral and jurisdiction, each with the state payload it
 * carried, and the operators' replays that queue a delivery again.
 */
final class Attempts {

    private final Db db;

    Attempts(Db db) {
        this.db = db;
    }

    /** {@link org.safeharbor.api.v1.StatusReporter#recordAttempt}; two attempts racing for a number try again. */
    int recordAttempt(ReferralId referralId, Jurisdiction jurisdiction, String statePayload) {
        for (int tries = 0; ; tries++) {
            try {
                Integer attempt = db.tx.execute(status -> {
                    int next = db.jdbc.queryForObject("SELECT COALESCE(MAX(attempt), 0) + 1 FROM delivery_attempt WHERE referral_id = ? AND jurisdiction = ?",
                            Integer.class, referralId.value(), jurisdiction.code());
                    String key = db.cipher.currentKey();
                    db.jdbc.update("INSERT INTO delivery_attempt (referral_id, jurisdiction, attempt, started_at, state_payload, key_id)"
                                    + " VALUES (?, ?, ?, ?, ?, ?)", referralId.value(), jurisdiction.code(), next, db.now(),
                            db.cipher.seal(key, statePayload, FieldCipher.Column.ATTEMPT_PAYLOAD, referralId.value(), jurisdiction.code(), next), key);
                    // a replay waiting for its delivery is carried by this attempt
                    int replays = db.jdbc.update("UPDATE referral_replay SET attempt = ? WHERE referral_id = ? AND jurisdiction = ? AND attempt IS NULL",
                            next, referralId.value(), jurisdiction.code());
                    db.event(referralId, "attempt", jurisdiction, "attempt " + next);
                    // the disclosure, one per attempt, last: the audit chain's lock is held only until this commits
                    db.audit.append(DisclosedFields.describe(AuditEntry.of(AuditEntry.Kind.DISCLOSURE, AuditEntry.Actor.adapter())
                                    .referral(referralId).jurisdiction(jurisdiction).detail("attempt", next)
                                    .detail("carries-replay", replays > 0 ? "yes" : null), db, referralId, statePayload).build());
                    return next;
                });
                return attempt;
            } catch (DuplicateKeyException raced) {
                if (tries > 3) {
                    throw raced;
                }
            }
        }
    }

    void recordAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, int attempt, String reason) {
        db.tx.executeWithoutResult(status -> {
            db.jdbc.update("UPDATE delivery_attempt SET outcome = 'FAILED', detail = ? WHERE referral_id = ? AND jurisdiction = ? AND attempt = ?",
                    Db.truncate(reason, 1000), referralId.value(), jurisdiction.code(), attempt);
            db.event(referralId, "attempt-failed", jurisdiction, "attempt " + attempt + ": " + Db.truncate(reason, 1900));
        });
    }

    Optional<String> storedOutput(ReferralId referralId, Jurisdiction jurisdiction, int attempt) {
        return db.jdbc.query("SELECT attempt, key_id, state_payload FROM delivery_attempt WHERE referral_id = ? AND jurisdiction = ? AND attempt = ?",
                (rs, n) -> payload(rs, referralId, jurisdiction), referralId.value(), jurisdiction.code(), attempt).stream().findFirst();
    }

    /** The payload of the latest attempt that did not fail: what the state holds, for a notice (api 1.3). */
    Optional<String> deliveredOutput(ReferralId referralId, Jurisdiction jurisdiction) {
        return db.jdbc.query("SELECT attempt, key_id, state_payload FROM delivery_attempt WHERE referral_id = ? AND jurisdiction = ?"
                        + " AND (outcome IS NULL OR outcome <> 'FAILED') ORDER BY attempt DESC LIMIT 1",
                (rs, n) -> payload(rs, referralId, jurisdiction), referralId.value(), jurisdiction.code()).stream().findFirst();
    }

    /** The state payload of a row read as {@code attempt, key_id, state_payload}. */
    private String payload(java.sql.ResultSet rs, ReferralId referralId, Jurisdiction jurisdiction) throws java.sql.SQLException {
        return db.cipher.open(rs.getString(2), rs.getString(3), FieldCipher.Column.ATTEMPT_PAYLOAD, referralId.value(), jurisdiction.code(),
                rs.getInt(1));
    }

    /** Every delivery attempt of a referral, in order; the payload's size is its plain text's. */
    List<Attempt> attempts(ReferralId referralId) {
        return db.jdbc.query("SELECT jurisdiction, attempt, started_at, outcome, detail, key_id, state_payload FROM delivery_attempt"
                        + " WHERE referral_id = ? ORDER BY started_at, jurisdiction, attempt",
                (rs, n) -> {
                    String payload = db.cipher.open(rs.getString(6), rs.getString(7), FieldCipher.Column.ATTEMPT_PAYLOAD, referralId.value(),
                            rs.getString(1), rs.getInt(2));
                    return new Attempt(Jurisdiction.of(rs.getString(1)), rs.getInt(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
                            rs.getString(4), rs.getString(5), payload == null ? 0 : payload.length());
                }, referralId.value());
    }

    /** The last attempt number for a referral and jurisdiction; 0 if none was made. */
    int lastAttempt(ReferralId referralId, Jurisdiction jurisdiction) {
        return db.jdbc.queryForObject("SELECT COALESCE(MAX(attempt), 0) FROM delivery_attempt WHERE referral_id = ? AND jurisdiction = ?",
                Integer.class, referralId.value(), jurisdiction.code());
    }

    // ------------------------------------------------------------------ replays

    /**
     * Records an operator's replay of a referral to one jurisdiction and sets the delivery back to
     * QUEUED; the next attempt for it is linked to this replay. Returns the replay's id.
     */
    String recordReplay(ReferralId referralId, Jurisdiction jurisdiction, String source, Integer sourceAttempt, String requestedBy) {
        String id = UUID.randomUUID().toString();
        db.tx.executeWithoutResult(status -> {
            db.jdbc.update("INSERT INTO referral_replay (id, referral_id, jurisdiction, source, source_attempt, requested_by, requested_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    id, referralId.value(), jurisdiction.code(), source, sourceAttempt, Db.truncate(requestedBy, 100), db.now());
            // queued again: its clocks are watched again from the next scan, the state's from its next answer
            DeliveryStatus before = db.jdbc.queryForList("SELECT status FROM referral_delivery WHERE referral_id = ? AND jurisdiction = ? FOR UPDATE",
                    String.class, referralId.value(), jurisdiction.code()).stream().findFirst().map(DeliveryStatus::valueOf).orElse(null);
            db.aggregates.moved(referralId, jurisdiction, before, DeliveryStatus.QUEUED);
            int rows = db.jdbc.update("UPDATE referral_delivery SET status = 'QUEUED', reason = ?, updated_at = ?, next_check_at = ?,"
                            + " acknowledged_at = NULL"
                            + " WHERE referral_id = ? AND jurisdiction = ?",
                    "replay " + id, db.now(), db.now(), referralId.value(), jurisdiction.code());
            if (rows == 0) {
                db.jdbc.update("INSERT INTO referral_delivery (referral_id, jurisdiction, status, reason, updated_at, next_check_at) VALUES (?, ?, 'QUEUED', ?, ?, ?)",
                        referralId.value(), jurisdiction.code(), "replay " + id, db.now(), db.now());
            }
            db.event(referralId, "replay", jurisdiction, "replay " + id + " from " + source
                    + (sourceAttempt == null ? "" : " (attempt " + sourceAttempt + ")") + " by " + requestedBy);
            db.audit.append(AuditEntry.of("dead-letter".equals(source) ? AuditEntry.Kind.DEAD_LETTER_MOVE : AuditEntry.Kind.REPLAY,
                            AuditEntry.Actor.operator(requestedBy == null ? "unknown" : requestedBy))
                    .referral(referralId).jurisdiction(jurisdiction).detail("replay", id).detail("source", source)
                    .detail("source-attempt", sourceAttempt).build());
        });
        return id;
    }

    /** The replays of a referral, oldest first. */
    List<Replay> replays(ReferralId referralId) {
        return db.jdbc.query("SELECT id, jurisdiction, source, source_attempt, requested_by, requested_at, attempt FROM referral_replay"
                        + " WHERE referral_id = ? ORDER BY requested_at",
                (rs, n) -> new Replay(rs.getString(1), referralId, Jurisdiction.of(rs.getString(2)), rs.getString(3),
                        (Integer) rs.getObject(4), rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant(), (Integer) rs.getObject(7)),
                referralId.value());
    }
}
