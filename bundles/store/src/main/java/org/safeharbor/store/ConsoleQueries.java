package org.safeharbor.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;

/**
 * Read-only queries of the operator console ({@code bundles/console}): counts per jurisdiction, the clocks nearest
 * their end and a search of the deliveries. Ids, codes, statuses, counts and times only: nothing here reads a
 * referral's canonical data or its raw submission, so nothing it returns is personal data. It writes nothing.
 */
public final class ConsoleQueries {

    /** The statuses a delivery has once the state has it (the attempt's outcome records DELIVERED or ACKNOWLEDGED). */
    private static final String DELIVERED_OUTCOMES = "('DELIVERED', 'ACKNOWLEDGED')";

    /**
     * One jurisdiction at a glance.
     *
     * @param byStatus        deliveries by their current status
     * @param deliveredHour   attempts the state answered (delivered or acknowledged) that started in the last hour
     * @param deliveredDay    the same in the last 24 hours
     * @param oldestWaiting   the receipt of the oldest delivery still open (received, queued, on hold); null: none
     */
    public record JurisdictionCounts(Jurisdiction jurisdiction, Map<DeliveryStatus, Integer> byStatus, int deliveredHour,
                                     int deliveredDay, Instant oldestWaiting) {
    }

    /**
     * A statutory clock that has raised an alert (a configured share, e.g. 50%, or breached) on a delivery whose status
     * is not final: its latest level and when it runs out.
     */
    public record ClockAlert(ReferralId referralId, Jurisdiction jurisdiction, String ruleId, DeadlineRule.Kind kind, String level,
                             Instant due, DeliveryStatus status) {
    }

    private final Db db;

    ConsoleQueries(Db db) {
        this.db = db;
    }

    /** Every jurisdiction the store has a delivery for, with its counts at {@code now}. */
    public List<JurisdictionCounts> counts(Instant now) {
        Map<String, Map<DeliveryStatus, Integer>> statuses = new LinkedHashMap<>();
        Map<String, Instant> oldest = new LinkedHashMap<>();
        db.jdbc.query("SELECT d.jurisdiction, d.status, COUNT(*), MIN(r.received_at) FROM referral_delivery d"
                + " JOIN referral r ON r.id = d.referral_id GROUP BY d.jurisdiction, d.status ORDER BY d.jurisdiction", rs -> {
            String j = rs.getString(1);
            DeliveryStatus status = DeliveryStatus.valueOf(rs.getString(2));
            statuses.computeIfAbsent(j, k -> new java.util.EnumMap<>(DeliveryStatus.class)).put(status, rs.getInt(3));
            if (status.isOpen()) {
                Instant at = rs.getObject(4, OffsetDateTime.class).toInstant();
                oldest.merge(j, at, (a, b) -> a.isBefore(b) ? a : b);
            }
        });
        Map<String, Integer> hour = delivered(now.minusSeconds(3600));
        Map<String, Integer> day = delivered(now.minusSeconds(86_400));
        List<JurisdictionCounts> out = new ArrayList<>();
        statuses.forEach((j, counts) -> out.add(new JurisdictionCounts(Jurisdiction.of(j), counts, hour.getOrDefault(j, 0),
                day.getOrDefault(j, 0), oldest.get(j))));
        return out;
    }

    private Map<String, Integer> delivered(Instant since) {
        Map<String, Integer> counts = new java.util.HashMap<>();
        db.jdbc.query("SELECT jurisdiction, COUNT(*) FROM delivery_attempt WHERE outcome IN " + DELIVERED_OUTCOMES
                + " AND started_at >= ? GROUP BY jurisdiction", rs -> {
            counts.put(rs.getString(1), rs.getInt(2));
        }, since.atOffset(ZoneOffset.UTC));
        return counts;
    }

    /**
     * The clocks that have alerted on deliveries not in a final status, nearest their end first (breached ones first of
     * all): one line per delivery and rule, at its latest level. A clock that has not reached its first alert share has
     * no alert yet and is not listed.
     */
    public List<ClockAlert> clockAlerts(int limit) {
        Map<String, ClockAlert> latest = new LinkedHashMap<>();
        db.jdbc.query("SELECT a.referral_id, a.jurisdiction, a.rule_id, a.clock_kind, a.alert_level, a.due, d.status"
                + " FROM deadline_alert a JOIN referral_delivery d ON d.referral_id = a.referral_id AND d.jurisdiction = a.jurisdiction"
                + " WHERE d.status NOT IN ('NOT_SENT', 'SCREENED_OUT', 'INVESTIGATION_OPENED', 'REJECTED')"
                + " ORDER BY a.due LIMIT " + READ_AT_MOST, rs -> {
            ClockAlert alert = new ClockAlert(new ReferralId(rs.getString(1)), Jurisdiction.of(rs.getString(2)), rs.getString(3),
                    DeadlineRule.Kind.ofCode(rs.getString(4)), rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant(),
                    DeliveryStatus.valueOf(rs.getString(7)));
            latest.merge(alert.referralId().value() + "|" + alert.jurisdiction().code() + "|" + alert.ruleId(), alert,
                    (a, b) -> rank(a.level()) >= rank(b.level()) ? a : b);
        });
        return latest.values().stream().sorted(java.util.Comparator.comparing(ClockAlert::due)
                .thenComparing(a -> a.referralId().value())).limit(limit).toList();
    }

    /** Alert rows read at most for {@link #clockAlerts}, nearest their end first. */
    static final int READ_AT_MOST = 5_000;

    /** A level's order: {@code breached} above every share, shares by their percentage. */
    static double rank(String level) {
        if ("breached".equals(level)) {
            return Double.MAX_VALUE;
        }
        try {
            return Double.parseDouble(level.replace("%", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Deliveries, newest referral first, each criterion null for any: a referral id starting with {@code idPrefix}, the
     * hospital (SMART client id) that submitted it, a status, a jurisdiction, received in {@code [from, to)}.
     */
    public List<DeliverySummary> search(String idPrefix, String clientId, DeliveryStatus status, Jurisdiction jurisdiction, Instant from,
                                        Instant to, int limit) {
        return new DeliveryLog(db).search(idPrefix, clientId, status, jurisdiction, from, to, limit);
    }
}
