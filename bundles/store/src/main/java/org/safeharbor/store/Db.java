package org.safeharbor.store;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
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
    private final Clock clock;

    Db(DataSource dataSource, Clock clock) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.clock = clock;
        this.audit = new AuditTrail(this);
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

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
