package org.safeharbor.store;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.json.v1.ReferralJson;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What every part of the store shares: one DataSource's statements and transactions (so a part's writes
 * join a transaction another part opened), the clock, the referral's trail of stages ({@code referral_event},
 * deleted with the referral) and the audit trail ({@link AuditTrail}, kept by its own retention).
 */
final class Db {

    final JdbcTemplate jdbc;
    final TransactionTemplate tx;
    /** The audit trail (who received, read, disclosed or changed what); its appends join the caller's transaction. */
    final AuditTrail audit;
    /** Encrypts and decrypts the personal data every part writes and reads (raw submissions, payloads). */
    final FieldCipher cipher;
    /** The de-identified aggregate counts (schema version 7); its writes join the caller's transaction. */
    final AggregateCounts aggregates;
    private final Clock clock;

    Db(DataSource dataSource, Clock clock, StoreKeys keys) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.clock = clock;
        this.audit = new AuditTrail(this);
        this.cipher = new FieldCipher(keys);
        this.aggregates = new AggregateCounts(this);
    }

    OffsetDateTime now() {
        return Instant.now(clock).atOffset(ZoneOffset.UTC);
    }

    Instant instant() {
        return Instant.now(clock);
    }

    /** Appends a stage to the referral's audit trail. */
    void event(ReferralId referralId, String stage, Jurisdiction jurisdiction, String detail) {
        jdbc.update("INSERT INTO referral_event (referral_id, at, stage, jurisdiction, detail) VALUES (?, ?, ?, ?, ?)",
                referralId.value(), now(), stage, jurisdiction == null ? null : jurisdiction.code(), detail);
    }

    /**
     * The canonical referral of a {@code referral} row read as {@code r.id, r.key_id, r.canonical_json} from column
     * {@code from} on ({@link #REFERRAL_COLUMNS}).
     */
    Referral referral(java.sql.ResultSet rs, int from) throws java.sql.SQLException {
        String id = rs.getString(from);
        return ReferralJson.INSTANCE.read(cipher.open(rs.getString(from + 1), rs.getString(from + 2), FieldCipher.Column.REFERRAL_CANONICAL, id));
    }

    /** What {@link #referral(java.sql.ResultSet, int)} reads, for table alias {@code r}. */
    static final String REFERRAL_COLUMNS = "r.id, r.key_id, r.canonical_json";

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
