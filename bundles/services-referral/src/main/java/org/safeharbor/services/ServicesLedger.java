package org.safeharbor.services;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.fhir.services.ServicesReferrals;
import org.safeharbor.store.AuditEntry;
import org.safeharbor.store.AuditLog;
import org.safeharbor.store.BundleSchema;
import org.safeharbor.store.StoreCipher;

/**
 * The services referrals' records, in the message store's database (this bundle's own tables, {@link BundleSchema}
 * owner {@value #OWNER}): each referral to each provider once, its payload sealed with the store's keys, every attempt
 * numbered, every attempt an audited disclosure (AuditEvent of kind {@code disclosure}, the provider as recipient, the
 * field names of {@link ServicesPayload#FIELDS}), the provider's Task and its status as last read.
 */
public final class ServicesLedger {

    /** The schema owner: history table {@code safeharbor_schema_history_services}. */
    public static final String OWNER = "services";
    /** Where the send stands. */
    public enum Status { PENDING, QUEUED, SENT, FAILED }
    /** The provider's Task statuses after which nothing changes (FHIR R4 task-status). */
    static final Set<String> FINAL_TASK_STATUSES = Set.of("rejected", "cancelled", "completed", "failed", "entered-in-error");

    /** A recorded services referral waiting for its queue. */
    public record Pending(ReferralId referralId, String provider, String payload) {
    }

    /** A sent referral whose provider Task is still open. */
    public record Open(ReferralId referralId, String provider, String providerTask, String providerStatus) {
    }

    private final DataSource dataSource;
    private final StoreCipher cipher;
    private final AuditLog audit;
    private final Clock clock;

    public ServicesLedger(DataSource dataSource, StoreCipher cipher, AuditLog audit, Clock clock) {
        this.dataSource = dataSource;
        this.cipher = cipher;
        this.audit = audit;
        this.clock = clock;
        BundleSchema.migrate(dataSource, OWNER, ServicesLedger.class.getClassLoader(), "org/safeharbor/services/migration");
    }

    /** Records a services referral (PENDING) with its payload; false when this referral was recorded for this provider already. */
    public boolean record(ReferralId referralId, String provider, Trigger trigger, String payload) {
        return record(referralId, provider, trigger, payload, null);
    }

    /** As {@link #record(ReferralId, String, Trigger, String)}, with the client that asked for it (a young adult's), or null. */
    public boolean record(ReferralId referralId, String provider, Trigger trigger, String payload, String requestedBy) {
        byte[] sealed = cipher.seal(payload.getBytes(StandardCharsets.UTF_8), purpose(referralId, provider));
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO services_referral (referral_id, provider, trigger_code, status, payload,"
                     + " recorded_at, updated_at, requested_by) VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?)")) {
            OffsetDateTime now = now();
            s.setString(1, referralId.value());
            s.setString(2, provider);
            s.setString(3, trigger.code());
            s.setBytes(4, sealed);
            s.setObject(5, now);
            s.setObject(6, now);
            s.setString(7, requestedBy);
            s.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (duplicate(e)) {
                return false;
            }
            throw new IllegalStateException("cannot record a services referral (" + e.getSQLState() + ")", e);
        }
    }

    /** Marks a watched referral considered for a trigger; false when it was considered before. */
    public boolean consider(ReferralId referralId, String triggerKey) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO services_considered (referral_id, trigger_code, considered_at) VALUES (?, ?, ?)")) {
            s.setString(1, referralId.value());
            s.setString(2, triggerKey);
            s.setObject(3, now());
            s.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (duplicate(e)) {
                return false;
            }
            throw new IllegalStateException("cannot record a considered referral (" + e.getSQLState() + ")", e);
        }
    }

    /** Whether a referral was considered for a trigger. */
    public boolean considered(ReferralId referralId, String triggerKey) {
        return !query("SELECT 1 FROM services_considered WHERE referral_id = ? AND trigger_code = ?", r -> 1, referralId.value(), triggerKey).isEmpty();
    }

    public void queued(ReferralId referralId, String provider) {
        update("UPDATE services_referral SET status = 'QUEUED', updated_at = ? WHERE referral_id = ? AND provider = ? AND status = 'PENDING'",
                now(), referralId.value(), provider);
    }

    /** What was recorded before {@code before} and never queued (a restart in between), oldest first. */
    public List<Pending> unqueued(Instant before, int limit) {
        return query("SELECT referral_id, provider, payload FROM services_referral WHERE status = 'PENDING' AND recorded_at < ?"
                        + " ORDER BY recorded_at LIMIT " + limit,
                r -> new Pending(new ReferralId(r.getString(1)), r.getString(2), open(r.getBytes(3), new ReferralId(r.getString(1)), r.getString(2))),
                before.atOffset(ZoneOffset.UTC));
    }

    /** The payload recorded for a services referral. */
    public String payload(ReferralId referralId, String provider) {
        return query("SELECT payload FROM services_referral WHERE referral_id = ? AND provider = ?",
                r -> open(r.getBytes(1), referralId, provider), referralId.value(), provider).stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("no services referral " + referralId + " to " + provider));
    }

    /**
     * Numbers and records one attempt, and audits it as a disclosure to the provider, before anything is sent; 0 when
     * there is nothing to send (sent already, or not recorded).
     */
    public int startAttempt(ReferralId referralId, String provider) {
        String[] trigger = new String[1];
        int attempt = inTransaction(c -> {
            List<String[]> row = query(c, "SELECT status, trigger_code FROM services_referral WHERE referral_id = ? AND provider = ? FOR UPDATE",
                    r -> new String[] {r.getString(1), r.getString(2)}, referralId.value(), provider);
            if (row.isEmpty() || Status.SENT.name().equals(row.get(0)[0])) {
                return 0;
            }
            trigger[0] = row.get(0)[1];
            int next = query(c, "SELECT COALESCE(MAX(attempt), 0) + 1 FROM services_attempt WHERE referral_id = ? AND provider = ?",
                    r -> r.getInt(1), referralId.value(), provider).get(0);
            update(c, "INSERT INTO services_attempt (referral_id, provider, attempt, started_at) VALUES (?, ?, ?, ?)",
                    referralId.value(), provider, next, now());
            return next;
        });
        if (attempt > 0) {
            // every services referral that leaves the adapter, one per attempt: the fields, never their values
            audit.audit(AuditEntry.of(AuditEntry.Kind.DISCLOSURE, AuditEntry.Actor.adapter()).referral(referralId)
                    .recipient("services-" + provider).fields(ServicesPayload.FIELDS).detail("attempt", attempt)
                    .detail("trigger", trigger[0]).build());
        }
        return attempt;
    }

    /** An attempt failed: its class and HTTP status only, never a message. */
    public void attemptFailed(ReferralId referralId, String provider, int attempt, String reason) {
        update("UPDATE services_attempt SET outcome = 'FAILED', detail = ? WHERE referral_id = ? AND provider = ? AND attempt = ?",
                truncate(reason), referralId.value(), provider, attempt);
    }

    /** The provider created (or already had) the Task: the referral is SENT. */
    public void sent(ReferralId referralId, String provider, int attempt, String providerTask, String providerStatus) {
        inTransaction(c -> {
            update(c, "UPDATE services_attempt SET outcome = 'SENT' WHERE referral_id = ? AND provider = ? AND attempt = ?",
                    referralId.value(), provider, attempt);
            update(c, "UPDATE services_referral SET status = 'SENT', provider_task = ?, provider_status = ?, reason = NULL, updated_at = ?"
                    + " WHERE referral_id = ? AND provider = ?", providerTask, providerStatus, now(), referralId.value(), provider);
            return 0;
        });
    }

    /** After the last retry: FAILED, its reason kept; a referral sent already stays sent (a stale copy gave up). */
    public void failed(ReferralId referralId, String provider, String reason) {
        update("UPDATE services_referral SET status = 'FAILED', reason = ?, updated_at = ? WHERE referral_id = ? AND provider = ? AND status <> 'SENT'",
                truncate(reason), now(), referralId.value(), provider);
    }

    /** The sent referrals to {@code provider} whose Task is still open, oldest change first. */
    public List<Open> open(String provider, int limit) {
        return query("SELECT referral_id, provider_task, provider_status FROM services_referral WHERE provider = ? AND status = 'SENT'"
                        + " AND provider_task IS NOT NULL ORDER BY updated_at LIMIT " + limit,
                r -> new Open(new ReferralId(r.getString(1)), provider, r.getString(2), r.getString(3)), provider)
                .stream().filter(o -> o.providerStatus() == null || !FINAL_TASK_STATUSES.contains(o.providerStatus())).toList();
    }

    /** The provider's Task status as read now; true when it changed (and was recorded and audited). */
    public boolean providerStatus(ReferralId referralId, String provider, String status) {
        int rows = update("UPDATE services_referral SET provider_status = ?, updated_at = ? WHERE referral_id = ? AND provider = ?"
                + " AND (provider_status IS NULL OR provider_status <> ?)", status, now(), referralId.value(), provider, status);
        if (rows > 0) {
            audit.audit(AuditEntry.of(AuditEntry.Kind.STATUS_RECEIVED, new AuditEntry.Actor(AuditEntry.Actor.Type.SYSTEM, "services-" + provider, null))
                    .referral(referralId).recipient("services-" + provider).detail("status", status).build());
        }
        return rows > 0;
    }

    /**
     * Deletes the services referrals (with their attempts and sealed payloads) sent and unchanged since {@code sentBefore},
     * or failed and unchanged since {@code failedBefore}, and the watch's marks older than {@code consideredBefore};
     * audited with the counts. Open ones (pending, queued) are never deleted. Returns how many referrals went.
     */
    public int purge(Instant sentBefore, Instant failedBefore, Instant consideredBefore) {
        String due = "(status = 'SENT' AND updated_at < ?) OR (status = 'FAILED' AND updated_at < ?)";
        OffsetDateTime sent = sentBefore.atOffset(ZoneOffset.UTC);
        OffsetDateTime failed = failedBefore.atOffset(ZoneOffset.UTC);
        int[] counts = inTransaction(c -> new int[] {
            update(c, "DELETE FROM services_attempt a WHERE EXISTS (SELECT 1 FROM services_referral r WHERE r.referral_id = a.referral_id"
                    + " AND r.provider = a.provider AND (" + due + "))", sent, failed),
            update(c, "DELETE FROM services_referral WHERE " + due, sent, failed),
            update(c, "DELETE FROM services_considered WHERE considered_at < ?", consideredBefore.atOffset(ZoneOffset.UTC))});
        if (counts[1] > 0) {
            audit.audit(AuditEntry.of(AuditEntry.Kind.RETENTION_PURGE, AuditEntry.Actor.adapter()).object("services-referrals")
                    .detail("referrals", counts[1]).detail("attempts", counts[0]).build());
        }
        return counts[1];
    }

    /** A referral's services referrals, for the hospital's Task: codes and times. */
    public List<ServicesReferrals.Status> statuses(ReferralId referralId) {
        return query("SELECT provider, trigger_code, status, provider_status, updated_at FROM services_referral WHERE referral_id = ? ORDER BY provider",
                r -> new ServicesReferrals.Status(r.getString(1), r.getString(2), r.getString(3).toLowerCase(java.util.Locale.ROOT), r.getString(4),
                        r.getObject(5, OffsetDateTime.class).toInstant()), referralId.value());
    }

    /** The services referrals for an operator, latest change first; with {@code status} only those (null: all). */
    public List<ServicesReferrals.Summary> list(Status status, int limit) {
        return query("SELECT r.referral_id, r.provider, r.trigger_code, r.status, r.provider_status, r.reason, r.updated_at,"
                        + " (SELECT COUNT(*) FROM services_attempt a WHERE a.referral_id = r.referral_id AND a.provider = r.provider)"
                        + " FROM services_referral r" + (status == null ? "" : " WHERE r.status = '" + status.name() + "'")
                        + " ORDER BY r.updated_at DESC LIMIT " + Math.max(1, limit),
                r -> new ServicesReferrals.Summary(new ReferralId(r.getString(1)), r.getString(2), r.getString(3),
                        r.getString(4).toLowerCase(java.util.Locale.ROOT), r.getString(5), r.getString(6), r.getInt(8),
                        r.getObject(7, OffsetDateTime.class).toInstant()));
    }

    /**
     * A FAILED services referral an operator sends again: PENDING (so the sweep queues it should the caller stop before
     * it does), its reason cleared, audited with the operator. False when it is not FAILED (sent since, or unknown).
     */
    public boolean reopen(ReferralId referralId, String provider, String operator) {
        int rows = update("UPDATE services_referral SET status = 'PENDING', reason = NULL, updated_at = ? WHERE referral_id = ?"
                + " AND provider = ? AND status = 'FAILED'", now(), referralId.value(), provider);
        if (rows > 0) {
            audit.audit(AuditEntry.of(AuditEntry.Kind.DEAD_LETTER_MOVE, AuditEntry.Actor.operator(operator)).referral(referralId)
                    .recipient("services-" + provider).object("services-referral").build());
        }
        return rows > 0;
    }

    /** A young adult's services referrals, asked for by a client: that client and when it was first recorded. */
    public java.util.Optional<ServicesReferrals.YoungAdult> youngAdult(ReferralId referralId) {
        return query("SELECT requested_by, MIN(recorded_at) FROM services_referral WHERE referral_id = ? AND trigger_code = ?"
                        + " AND requested_by IS NOT NULL GROUP BY requested_by",
                r -> new ServicesReferrals.YoungAdult(r.getString(1), r.getObject(2, OffsetDateTime.class).toInstant()),
                referralId.value(), Trigger.YOUNG_ADULT.code()).stream().findFirst();
    }

    /** The attempts of one services referral: number, outcome, detail (for tests and operators). */
    public List<String> attempts(ReferralId referralId, String provider) {
        return query("SELECT attempt, outcome, detail FROM services_attempt WHERE referral_id = ? AND provider = ? ORDER BY attempt",
                r -> r.getInt(1) + " " + r.getString(2) + (r.getString(3) == null ? "" : " " + r.getString(3)), referralId.value(), provider);
    }

    /** The recorded status (PENDING, QUEUED, SENT, FAILED) and reason of one services referral, e.g. {@code SENT}. */
    public String status(ReferralId referralId, String provider) {
        return query("SELECT status, reason FROM services_referral WHERE referral_id = ? AND provider = ?",
                r -> r.getString(1) + (r.getString(2) == null ? "" : ": " + r.getString(2)), referralId.value(), provider)
                .stream().findFirst().orElse(null);
    }

    // ------------------------------------------------------------------ JDBC

    private String purpose(ReferralId referralId, String provider) {
        return "services_referral.payload|" + referralId.value() + "|" + provider;
    }

    private String open(byte[] sealed, ReferralId referralId, String provider) {
        return new String(cipher.open(sealed, purpose(referralId, provider)), StandardCharsets.UTF_8);
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 1000 ? text : text.substring(0, 1000);
    }

    private static boolean duplicate(SQLException e) {
        return e instanceof SQLIntegrityConstraintViolationException || "23505".equals(e.getSQLState());
    }

    interface Row<T> {
        T read(ResultSet r) throws SQLException;
    }

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("services referral records (" + e.getSQLState() + ")", e);
        }
    }

    private <T> List<T> query(String sql, Row<T> row, Object... args) {
        try (Connection c = dataSource.getConnection()) {
            return query(c, sql, row, args);
        } catch (SQLException e) {
            throw new IllegalStateException("services referral records (" + e.getSQLState() + ")", e);
        }
    }

    private static <T> List<T> query(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<T> result = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    result.add(row.read(r));
                }
            }
            return result;
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection()) {
            return update(c, sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException("services referral records (" + e.getSQLState() + ")", e);
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s.executeUpdate();
        }
    }
}
