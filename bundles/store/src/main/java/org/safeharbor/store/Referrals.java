package org.safeharbor.store;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.store.MessageStore.Accepted;
import org.safeharbor.store.MessageStore.SubmissionConflict;
import org.springframework.dao.DuplicateKeyException;

/** Accepting and finding referrals: the referral with its raw submission, its first deliveries and its trail. */
final class Referrals {

    private final Db db;

    Referrals(Db db) {
        this.db = db;
    }

    /**
     * Stores an accepted referral with its raw submission, the client that sent it and its first
     * status per jurisdiction, with the reason of a first status where there is one (e.g. why nothing
     * is sent to a state), all in one transaction; or, if the same submission (same key, same bytes)
     * was accepted before, returns that one unchanged (idempotent intake).
     *
     * @throws SubmissionConflict when the key was accepted before with different content
     */
    Accepted accept(String clientId, String submissionKey, Referral referral, boolean actionable, String raw,
                    String mediaType, Map<Jurisdiction, DeliveryStatus> initialStatus, Map<Jurisdiction, String> reasons) {
        String sha256 = sha256(raw);
        Optional<Accepted> earlier = earlier(submissionKey, sha256);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        OffsetDateTime now = db.now();
        try {
            db.tx.executeWithoutResult(status -> {
                String key = db.cipher.currentKey();
                String id = referral.id().value();
                db.jdbc.update("INSERT INTO referral (id, submission_key, received_at, actionable, canonical_json, raw_submission, raw_media_type,"
                                + " client_id, submission_sha256, key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        id, submissionKey, referral.receivedAt().atOffset(ZoneOffset.UTC), actionable,
                        db.cipher.seal(key, ReferralJson.INSTANCE.write(referral), FieldCipher.Column.REFERRAL_CANONICAL, id),
                        db.cipher.seal(key, raw, FieldCipher.Column.REFERRAL_RAW, id), mediaType, clientId, sha256, key);
                db.event(referral.id(), "received", null, actionable ? "accepted" : "accepted, not actionable: nothing to report");
                initialStatus.forEach((jurisdiction, deliveryStatus) -> {
                    db.jdbc.update("INSERT INTO referral_delivery (referral_id, jurisdiction, status, reason, updated_at, next_check_at)"
                                    + " VALUES (?, ?, ?, ?, ?, ?)",
                            referral.id().value(), jurisdiction.code(), deliveryStatus.name(), reasons.get(jurisdiction), now,
                            deliveryStatus.isOpen() ? now : null);
                    if (!deliveryStatus.isOpen()) {
                        db.event(referral.id(), deliveryStatus.name().toLowerCase(java.util.Locale.ROOT), jurisdiction, reasons.get(jurisdiction));
                    }
                });
                db.aggregates.admit(referral, initialStatus);
            });
        } catch (DuplicateKeyException raced) {
            // the same key arrived twice at once: the other request stored it
            return earlier(submissionKey, sha256).orElseThrow();
        }
        // what was just written, without reading it back
        List<Delivery> deliveries = initialStatus.entrySet().stream()
                .map(e -> new Delivery(e.getKey(), e.getValue(), null, reasons.get(e.getKey()), now.toInstant()))
                .sorted(java.util.Comparator.comparing(d -> d.jurisdiction().code())).toList();
        return new Accepted(new StoredReferral(referral, submissionKey, actionable, deliveries), true);
    }

    /** The referral accepted earlier under this key, if the content is the same; a conflict if not. */
    private Optional<Accepted> earlier(String submissionKey, String sha256) {
        List<String> hashes = db.jdbc.query("SELECT submission_sha256 FROM referral WHERE submission_key = ?", (rs, n) -> rs.getString(1),
                submissionKey);
        if (hashes.isEmpty()) {
            return Optional.empty();
        }
        // rows from before the hash was kept (NULL) are taken as the same submission, as they were then
        if (hashes.get(0) != null && !hashes.get(0).equals(sha256)) {
            throw new SubmissionConflict();
        }
        return findBySubmissionKey(submissionKey).map(found -> new Accepted(found, false));
    }

    /** The client that submitted this referral, if it is known. */
    Optional<String> submittedBy(ReferralId id) {
        return db.jdbc.query("SELECT client_id FROM referral WHERE id = ?", (rs, n) -> Optional.ofNullable(rs.getString(1)), id.value())
                .stream().findFirst().flatMap(o -> o);
    }

    private static String sha256(String raw) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(raw.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The referral with this id, with its deliveries. */
    Optional<StoredReferral> find(ReferralId id) {
        return load("id", id.value());
    }

    /** The referral stored for this submission key. */
    Optional<StoredReferral> findBySubmissionKey(String submissionKey) {
        return load("submission_key", submissionKey);
    }

    /** Its deliveries are read after the referral row, not inside its row mapper: one pooled connection at a time. */
    private Optional<StoredReferral> load(String keyColumn, String key) {
        Optional<StoredReferral> row = db.jdbc.query("SELECT " + Db.REFERRAL_COLUMNS + ", r.submission_key, r.actionable FROM referral r"
                        + " WHERE r." + keyColumn + " = ?",
                (rs, n) -> new StoredReferral(db.referral(rs, 1), rs.getString(4), rs.getBoolean(5), List.of()),
                key).stream().findFirst();
        return row.map(r -> new StoredReferral(r.referral(), r.submissionKey(), r.actionable(), deliveriesOf(r.referral().id())));
    }

    /** A referral's deliveries, by jurisdiction. */
    private List<Delivery> deliveriesOf(ReferralId referralId) {
        return db.jdbc.query("SELECT " + DeliveryLog.DELIVERY_COLUMNS + " FROM referral_delivery d WHERE d.referral_id = ? ORDER BY d.jurisdiction",
                (rs, n) -> DeliveryLog.delivery(rs, 1), referralId.value());
    }

    /**
     * The referrals received from {@code from} (inclusive) to {@code to} (exclusive), oldest first, each with its
     * deliveries: what a federal export reads (harbor:export-ncands).
     */
    List<StoredReferral> receivedBetween(java.time.Instant from, java.time.Instant to) {
        List<String> ids = db.jdbc.queryForList("SELECT id FROM referral WHERE received_at >= ? AND received_at < ? ORDER BY received_at, id",
                String.class, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC));
        return ids.stream().map(id -> find(new ReferralId(id))).flatMap(Optional::stream).toList();
    }

    /** The raw submission a referral was read from, and its media type. */
    Optional<RawSubmission> rawSubmission(ReferralId referralId) {
        return db.jdbc.query("SELECT key_id, raw_submission, raw_media_type FROM referral WHERE id = ?",
                (rs, n) -> new RawSubmission(db.cipher.open(rs.getString(1), rs.getString(2), FieldCipher.Column.REFERRAL_RAW, referralId.value()),
                        rs.getString(3)), referralId.value()).stream().findFirst();
    }

    /** The referral's audit trail, oldest first, as "stage jurisdiction: detail" lines. */
    List<String> events(ReferralId referralId) {
        return db.jdbc.query("SELECT stage, jurisdiction, detail FROM referral_event WHERE referral_id = ? ORDER BY id",
                (rs, n) -> rs.getString(1) + (rs.getString(2) == null ? "" : " " + rs.getString(2))
                        + (rs.getString(3) == null ? "" : ": " + rs.getString(3)), referralId.value());
    }
}
