package org.safeharbor.store;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;


/**
 * The quarantine: submissions the intake refused, kept for inspection apart from any referral, encrypted as a
 * referral's raw submission is. The intake keeps only those of authenticated clients allowed to submit.
 */
final class Quarantine {

    private final Db db;

    Quarantine(Db db) {
        this.db = db;
    }

    /**
     * Keeps a refused submission for inspection and returns its quarantine id. The payload is cut at
     * {@code maxBytes}, so an oversized one cannot fill the database.
     */
    String quarantine(int httpStatus, String element, String reason, String mediaType, byte[] raw, int maxBytes) {
        String id = UUID.randomUUID().toString();
        boolean truncated = raw != null && raw.length > maxBytes;
        String text = raw == null ? null : new String(raw, 0, Math.min(raw.length, maxBytes), StandardCharsets.UTF_8);
        String key = db.cipher.currentKey();
        db.jdbc.update("INSERT INTO intake_rejection (id, received_at, http_status, element, reason, media_type, raw_submission, truncated, key_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                id, db.now(), httpStatus, element, Db.truncate(reason, 2000), mediaType,
                db.cipher.seal(key, text, FieldCipher.Column.REJECTION_RAW, id), truncated, key);
        return id;
    }

    /** The most recent rejections, newest first. */
    List<Rejection> rejections(int limit) {
        return db.jdbc.query("SELECT id, received_at, http_status, element, reason, media_type, raw_submission, truncated, key_id"
                        + " FROM intake_rejection ORDER BY received_at DESC LIMIT ?",
                (rs, n) -> new Rejection(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getInt(3),
                        rs.getString(4), rs.getString(5), rs.getString(6),
                        db.cipher.open(rs.getString(9), rs.getString(7), FieldCipher.Column.REJECTION_RAW, rs.getString(1)), rs.getBoolean(8)), limit);
    }
}
