package org.safeharbor.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.json.v1.ReferralJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The message store over the {@code safeharbor} DataSource. Every write that belongs together is
 * one transaction, so a crash leaves either the whole accepted referral or nothing.
 */
@Component(service = {MessageStore.class, StatusReporter.class})
public class MessageStore implements StatusReporter {

    private static final Logger LOG = LoggerFactory.getLogger(MessageStore.class);

    /** What {@link #accept} did. */
    public record Accepted(StoredReferral stored, boolean created) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    @Activate
    public MessageStore(@Reference(target = "(dataSourceName=safeharbor)") DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    public MessageStore(DataSource dataSource, Clock clock) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.clock = clock;
        createSchema();
        LOG.info("Message store ready");
    }

    private void createSchema() {
        try (InputStream in = MessageStore.class.getResourceAsStream("schema.sql")) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
            for (String statement : sql.split(";")) {
                if (!statement.isBlank()) {
                    jdbc.execute(statement);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stores an accepted referral with its raw submission and its first status per jurisdiction, or,
     * if the same submission was accepted before, returns that one unchanged (idempotent intake).
     */
    public Accepted accept(String submissionKey, Referral referral, boolean actionable, String raw, String mediaType,
                           Map<Jurisdiction, DeliveryStatus> initialStatus) {
        Optional<StoredReferral> existing = findBySubmissionKey(submissionKey);
        if (existing.isPresent()) {
            return new Accepted(existing.get(), false);
        }
        try {
            tx.executeWithoutResult(status -> {
                OffsetDateTime now = now();
                jdbc.update("INSERT INTO referral (id, submission_key, received_at, actionable, canonical_json, raw_submission, raw_media_type)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        referral.id().value(), submissionKey, referral.receivedAt().atOffset(ZoneOffset.UTC), actionable,
                        ReferralJson.INSTANCE.write(referral), raw, mediaType);
                event(referral.id(), "received", null, actionable ? "accepted" : "accepted, not actionable: nothing to report");
                initialStatus.forEach((jurisdiction, deliveryStatus) -> {
                    jdbc.update("INSERT INTO referral_delivery (referral_id, jurisdiction, status, updated_at) VALUES (?, ?, ?, ?)",
                            referral.id().value(), jurisdiction.code(), deliveryStatus.name(), now);
                });
            });
        } catch (DuplicateKeyException raced) {
            // the same submission arrived twice at once: the other request stored it
            return new Accepted(findBySubmissionKey(submissionKey).orElseThrow(), false);
        }
        return new Accepted(find(referral.id()).orElseThrow(), true);
    }

    /** The referral with this id, with its deliveries. */
    public Optional<StoredReferral> find(ReferralId id) {
        return jdbc.query("SELECT canonical_json, submission_key, actionable FROM referral WHERE id = ?",
                (rs, n) -> load(rs), id.value()).stream().findFirst();
    }

    /** The referral stored for this submission key. */
    public Optional<StoredReferral> findBySubmissionKey(String submissionKey) {
        return jdbc.query("SELECT canonical_json, submission_key, actionable FROM referral WHERE submission_key = ?",
                (rs, n) -> load(rs), submissionKey).stream().findFirst();
    }

    /**
     * Records that a referral is on a jurisdiction's queue (QUEUED, or ON_HOLD without a bundle), but
     * only while it is still RECEIVED: the jurisdiction's bundle may consume it and answer before the
     * intake gets here, and its answer must not be overwritten. Returns whether it was recorded.
     */
    public boolean markQueued(StatusUpdate update) {
        if (update.status() != DeliveryStatus.QUEUED && update.status() != DeliveryStatus.ON_HOLD) {
            throw new IllegalArgumentException("markQueued takes QUEUED or ON_HOLD, not " + update.status());
        }
        Boolean done = tx.execute(status -> {
            int rows = jdbc.update("UPDATE referral_delivery SET status = ?, reason = ?, updated_at = ?"
                            + " WHERE referral_id = ? AND jurisdiction = ? AND status = 'RECEIVED'",
                    update.status().name(), update.reason(), update.at().atOffset(ZoneOffset.UTC),
                    update.referralId().value(), update.jurisdiction().code());
            if (rows > 0) {
                event(update.referralId(), update.status().name().toLowerCase(java.util.Locale.ROOT), update.jurisdiction(), update.reason());
            }
            return rows > 0;
        });
        return Boolean.TRUE.equals(done);
    }

    /** Records a change of status with one jurisdiction, and the event. */
    @Override
    public void report(StatusUpdate update) {
        update(update);
    }

    /** Records a change of status with one jurisdiction, and the event. */
    public void update(StatusUpdate update) {
        tx.executeWithoutResult(status -> {
            int rows = jdbc.update("UPDATE referral_delivery SET status = ?, state_intake_number = COALESCE(?, state_intake_number),"
                            + " reason = ?, updated_at = ? WHERE referral_id = ? AND jurisdiction = ?",
                    update.status().name(), update.stateIntakeNumber(), update.reason(), update.at().atOffset(ZoneOffset.UTC),
                    update.referralId().value(), update.jurisdiction().code());
            if (rows == 0) {
                jdbc.update("INSERT INTO referral_delivery (referral_id, jurisdiction, status, state_intake_number, reason, updated_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?)",
                        update.referralId().value(), update.jurisdiction().code(), update.status().name(),
                        update.stateIntakeNumber(), update.reason(), update.at().atOffset(ZoneOffset.UTC));
            }
            event(update.referralId(), update.status().name().toLowerCase(java.util.Locale.ROOT), update.jurisdiction(), update.reason());
        });
    }

    /** A referral and one of its deliveries that is not delivered yet. */
    public record OpenDelivery(Referral referral, Delivery delivery) {
    }

    /** Deliveries not yet handed to the state (received, queued, on hold): their clocks are running. */
    public List<OpenDelivery> openDeliveries() {
        List<OpenDelivery> open = new java.util.ArrayList<>();
        List<String> ids = jdbc.queryForList("SELECT DISTINCT referral_id FROM referral_delivery WHERE status IN ('RECEIVED', 'QUEUED', 'ON_HOLD')",
                String.class);
        for (String id : ids) {
            find(new ReferralId(id)).ifPresent(stored -> stored.deliveries().stream()
                    .filter(d -> d.status() == DeliveryStatus.RECEIVED || d.status() == DeliveryStatus.QUEUED
                            || d.status() == DeliveryStatus.ON_HOLD)
                    .forEach(d -> open.add(new OpenDelivery(stored.referral(), d))));
        }
        return open;
    }

    /** Records a clock alert; false when this level was already raised (each level fires once). */
    public boolean raiseDeadlineAlert(ReferralId referralId, Jurisdiction jurisdiction, String ruleId, String level, Instant due) {
        try {
            jdbc.update("INSERT INTO deadline_alert (referral_id, jurisdiction, rule_id, alert_level, due, raised_at) VALUES (?, ?, ?, ?, ?, ?)",
                    referralId.value(), jurisdiction.code(), ruleId, level, due.atOffset(ZoneOffset.UTC), now());
            event(referralId, "deadline-" + level, jurisdiction, ruleId + " due " + due);
            return true;
        } catch (DuplicateKeyException already) {
            return false;
        }
    }

    /** The clock alerts of a referral, oldest first. */
    public List<DeadlineAlert> deadlineAlerts(ReferralId referralId) {
        return jdbc.query("SELECT jurisdiction, rule_id, alert_level, due, raised_at FROM deadline_alert WHERE referral_id = ? ORDER BY raised_at, due",
                (rs, n) -> new DeadlineAlert(Jurisdiction.of(rs.getString(1)), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getObject(5, OffsetDateTime.class).toInstant()),
                referralId.value());
    }

    /** Appends a stage to the referral's audit trail. */
    public void event(ReferralId referralId, String stage, Jurisdiction jurisdiction, String detail) {
        jdbc.update("INSERT INTO referral_event (referral_id, at, stage, jurisdiction, detail) VALUES (?, ?, ?, ?, ?)",
                referralId.value(), now(), stage, jurisdiction == null ? null : jurisdiction.code(), detail);
    }

    /** The referral's audit trail, oldest first, as "stage jurisdiction: detail" lines. */
    public List<String> events(ReferralId referralId) {
        return jdbc.query("SELECT stage, jurisdiction, detail FROM referral_event WHERE referral_id = ? ORDER BY id",
                (rs, n) -> rs.getString(1) + (rs.getString(2) == null ? "" : " " + rs.getString(2))
                        + (rs.getString(3) == null ? "" : ": " + rs.getString(3)), referralId.value());
    }

    /**
     * Keeps a refused submission for inspection and returns its quarantine id. The payload is cut at
     * {@code maxBytes}, so an oversized one cannot fill the database.
     */
    public String quarantine(int httpStatus, String element, String reason, String mediaType, byte[] raw, int maxBytes) {
        String id = UUID.randomUUID().toString();
        boolean truncated = raw != null && raw.length > maxBytes;
        String text = raw == null ? null : new String(raw, 0, Math.min(raw.length, maxBytes), StandardCharsets.UTF_8);
        jdbc.update("INSERT INTO intake_rejection (id, received_at, http_status, element, reason, media_type, raw_submission, truncated)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                id, now(), httpStatus, element, truncate(reason, 2000), mediaType, text, truncated);
        return id;
    }

    /** The most recent rejections, newest first. */
    public List<Rejection> rejections(int limit) {
        return jdbc.query("SELECT id, received_at, http_status, element, reason, media_type, raw_submission, truncated"
                        + " FROM intake_rejection ORDER BY received_at DESC LIMIT ?",
                (rs, n) -> new Rejection(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getInt(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getBoolean(8)), limit);
    }

    private StoredReferral load(ResultSet rs) throws SQLException {
        Referral referral = ReferralJson.INSTANCE.read(rs.getString(1));
        List<Delivery> deliveries = jdbc.query(
                "SELECT jurisdiction, status, state_intake_number, reason, updated_at FROM referral_delivery WHERE referral_id = ? ORDER BY jurisdiction",
                (d, n) -> new Delivery(Jurisdiction.of(d.getString(1)), DeliveryStatus.valueOf(d.getString(2)), d.getString(3),
                        d.getString(4), d.getObject(5, OffsetDateTime.class).toInstant()),
                referral.id().value());
        return new StoredReferral(referral, rs.getString(2), rs.getBoolean(3), deliveries);
    }

    private OffsetDateTime now() {
        return Instant.now(clock).atOffset(ZoneOffset.UTC);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

}
