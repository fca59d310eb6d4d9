package org.safeharbor.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.store.MessageStore.ClockCheck;
import org.safeharbor.store.MessageStore.OpenDelivery;
import org.safeharbor.store.MessageStore.WatchedDelivery;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowCallbackHandler;

/** The clock schedule: when each delivery's deadlines are next checked, and the alerts raised when they pass. */
final class ClockSchedule {

    /**
     * Statuses in which a clock may still run, so the delivery keeps a next clock check: not yet delivered
     * (including failed or refused: a delivery deadline was not met), or delivered and waiting for the
     * state's decision (its own clock). Not sent, screened out and investigation opened end every clock.
     */
    static final List<DeliveryStatus> WATCHED = List.of(DeliveryStatus.RECEIVED, DeliveryStatus.QUEUED, DeliveryStatus.ON_HOLD,
            DeliveryStatus.DELIVERED, DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.SCREENED_IN, DeliveryStatus.REJECTED,
            DeliveryStatus.FAILED);
    private static final String WATCHED_SQL = WATCHED.stream().map(w -> "'" + w.name() + "'")
            .collect(java.util.stream.Collectors.joining(", ", "(", ")"));

    private final Db db;

    ClockSchedule(Db db) {
        this.db = db;
    }

    /**
     * Deliveries whose clocks are due for a check at {@code now}, earliest first: not yet delivered, or
     * delivered and waiting for the state's decision. Each watched delivery carries the time of its next
     * check (set by {@link #scheduleClockChecks}), so a scan reads only what may have crossed a threshold,
     * not every open referral: a backlog of 100,000 queued referrals costs nothing between thresholds.
     */
    List<OpenDelivery> clocksDue(Instant now, int limit) {
        return db.jdbc.query("SELECT " + Db.REFERRAL_COLUMNS + ", " + DeliveryLog.DELIVERY_COLUMNS + ", d.acknowledged_at FROM referral_delivery d"
                        + " JOIN referral r ON r.id = d.referral_id WHERE d.next_check_at <= ? ORDER BY d.next_check_at LIMIT ?",
                (rs, n) -> {
                    OffsetDateTime acknowledged = rs.getObject(9, OffsetDateTime.class);
                    return new OpenDelivery(db.referral(rs, 1), DeliveryLog.delivery(rs, 4),
                            acknowledged == null ? null : acknowledged.toInstant());
                }, now.atOffset(ZoneOffset.UTC), limit);
    }

    /**
     * Schedules the next clock checks, in one transaction (one commit for a whole scan batch). A delivery whose
     * status changed since the scan read it keeps the check its new status set: the scan's view is stale.
     */
    void scheduleClockChecks(List<ClockCheck> checks) {
        if (checks.isEmpty()) {
            return; // not even an empty transaction
        }
        db.tx.executeWithoutResult(status -> db.jdbc.batchUpdate(
                "UPDATE referral_delivery SET next_check_at = ? WHERE referral_id = ? AND jurisdiction = ? AND status = ?",
                checks.stream().map(c -> new Object[] {c.next() == null ? null : c.next().atOffset(ZoneOffset.UTC),
                        c.referralId().value(), c.jurisdiction().code(), c.status().name()}).toList(),
                new int[] {java.sql.Types.TIMESTAMP_WITH_TIMEZONE, java.sql.Types.VARCHAR, java.sql.Types.VARCHAR, java.sql.Types.VARCHAR}));
    }

    /**
     * The watched deliveries after ({@code afterReferral}, {@code afterJurisdiction}) in key order (null: from the first),
     * each with the check it has scheduled: what a change of rules, or a start, re-checks a page at a time. Read only: the
     * caller writes back only the checks that differ (after a restart with the same rules, none), where making them all
     * due rewrote every watched row twice and, on the embedded H2, grew its file by gigabytes at 100,000 referrals.
     */
    List<WatchedDelivery> watched(ReferralId afterReferral, Jurisdiction afterJurisdiction, int limit) {
        // the page's keys first, from the delivery table alone in its key's order (an index range, stopped at the limit);
        // joined to the referrals in one query, the database sorted the whole join for every page
        String after = afterReferral == null ? "" : " AND referral_id >= ? AND (referral_id > ? OR jurisdiction > ?)";
        Object[] args = afterReferral == null ? new Object[] {limit}
                : new Object[] {afterReferral.value(), afterReferral.value(), afterJurisdiction.code(), limit};
        List<String> keys = db.jdbc.query("SELECT referral_id, jurisdiction FROM referral_delivery WHERE status IN " + WATCHED_SQL
                + after + " ORDER BY referral_id, jurisdiction LIMIT ?", (rs, n) -> rs.getString(1) + "|" + rs.getString(2), args);
        if (keys.isEmpty()) {
            return List.of();
        }
        List<String> ids = keys.stream().map(k -> k.substring(0, k.indexOf('|'))).distinct().toList();
        Map<String, WatchedDelivery> byKey = new HashMap<>();
        db.jdbc.query("SELECT " + Db.REFERRAL_COLUMNS + ", " + DeliveryLog.DELIVERY_COLUMNS + ", d.acknowledged_at, d.next_check_at"
                        + " FROM referral r JOIN referral_delivery d ON d.referral_id = r.id WHERE r.id IN ("
                        + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")",
                (RowCallbackHandler) rs -> {
                    OffsetDateTime acknowledged = rs.getObject(9, OffsetDateTime.class);
                    OffsetDateTime next = rs.getObject(10, OffsetDateTime.class);
                    Delivery delivery = DeliveryLog.delivery(rs, 4);
                    byKey.put(rs.getString(1) + "|" + delivery.jurisdiction().code(), new WatchedDelivery(new OpenDelivery(
                            db.referral(rs, 1), delivery, acknowledged == null ? null : acknowledged.toInstant()),
                            next == null ? null : next.toInstant()));
                }, ids.toArray());
        // in the page's order; a delivery gone since (its referral deleted) is left out
        return keys.stream().map(byKey::get).filter(Objects::nonNull).toList();
    }

    /** Records a clock alert with whose clock it is; false when this level was already raised (each level fires once). */
    boolean raiseDeadlineAlert(ReferralId referralId, Jurisdiction jurisdiction, String ruleId, DeadlineRule.Kind kind,
                               String level, Instant due) {
        try {
            db.jdbc.update("INSERT INTO deadline_alert (referral_id, jurisdiction, rule_id, alert_level, due, raised_at, clock_kind)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    referralId.value(), jurisdiction.code(), ruleId, level, due.atOffset(ZoneOffset.UTC), db.now(), kind.code());
            db.event(referralId, (kind == DeadlineRule.Kind.STATE ? "state-deadline-" : "deadline-") + level, jurisdiction, ruleId + " due " + due);
            return true;
        } catch (DuplicateKeyException already) {
            return false;
        }
    }

    /** The clock alerts of a referral, oldest first. */
    List<DeadlineAlert> deadlineAlerts(ReferralId referralId) {
        return db.jdbc.query("SELECT jurisdiction, rule_id, alert_level, due, raised_at, clock_kind FROM deadline_alert WHERE referral_id = ?"
                        + " ORDER BY raised_at, due",
                (rs, n) -> new DeadlineAlert(Jurisdiction.of(rs.getString(1)), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getObject(5, OffsetDateTime.class).toInstant(),
                        DeadlineRule.Kind.ofCode(rs.getString(6))),
                referralId.value());
    }
}
