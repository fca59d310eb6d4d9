package org.safeharbor.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.store.MessageStore.OpenDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery log: each referral's status per jurisdiction, the moves it may make, the listings operators
 * read and the outbox of deliveries a crash left unqueued. Its attempts and replays are in {@link Attempts}.
 */
final class DeliveryLog {

    // the store's logger name, as operators filter it
    private static final Logger LOG = LoggerFactory.getLogger(MessageStore.class);

    private final Db db;

    DeliveryLog(Db db) {
        this.db = db;
    }

    static final String DELIVERY_COLUMNS = "d.jurisdiction, d.status, d.state_intake_number, d.reason, d.updated_at";

    static Delivery delivery(ResultSet rs, int from) throws SQLException {
        return new Delivery(Jurisdiction.of(rs.getString(from)), DeliveryStatus.valueOf(rs.getString(from + 1)), rs.getString(from + 2),
                rs.getString(from + 3), rs.getObject(from + 4, OffsetDateTime.class).toInstant());
    }

    /**
     * Records that a referral is on a jurisdiction's queue (QUEUED, or ON_HOLD without a bundle), but
     * only while it is still RECEIVED: the jurisdiction's bundle may consume it and answer before the
     * intake gets here, and its answer must not be overwritten. Returns whether it was recorded.
     */
    boolean markQueued(StatusUpdate update) {
        if (update.status() != DeliveryStatus.QUEUED && update.status() != DeliveryStatus.ON_HOLD) {
            throw new IllegalArgumentException("markQueued takes QUEUED or ON_HOLD, not " + update.status());
        }
        Boolean done = db.tx.execute(status -> {
            int rows = db.jdbc.update("UPDATE referral_delivery SET status = ?, reason = ?, updated_at = ?"
                            + " WHERE referral_id = ? AND jurisdiction = ? AND status = 'RECEIVED'",
                    update.status().name(), update.reason(), update.at().atOffset(ZoneOffset.UTC),
                    update.referralId().value(), update.jurisdiction().code());
            if (rows > 0) {
                db.event(update.referralId(), update.status().name().toLowerCase(java.util.Locale.ROOT), update.jurisdiction(), update.reason());
                db.aggregates.moved(update.referralId(), update.jurisdiction(), DeliveryStatus.RECEIVED, update.status());
            }
            return rows > 0;
        });
        return Boolean.TRUE.equals(done);
    }

    /**
     * The status moves a delivery may make: forward only. Open deliveries (received, queued, on hold)
     * may go anywhere but back to RECEIVED; a terminal status goes nowhere. An operator's replay
     * ({@link Attempts#recordReplay}) is the one way back, to QUEUED.
     */
    private static final Map<DeliveryStatus, java.util.Set<DeliveryStatus>> NEXT = nextStatuses();

    private static Map<DeliveryStatus, java.util.Set<DeliveryStatus>> nextStatuses() {
        Map<DeliveryStatus, java.util.Set<DeliveryStatus>> next = new java.util.EnumMap<>(DeliveryStatus.class);
        java.util.Set<DeliveryStatus> fromOpen = java.util.EnumSet.complementOf(java.util.EnumSet.of(DeliveryStatus.RECEIVED));
        next.put(DeliveryStatus.RECEIVED, fromOpen);
        next.put(DeliveryStatus.QUEUED, fromOpen);
        next.put(DeliveryStatus.ON_HOLD, fromOpen);
        next.put(DeliveryStatus.DELIVERED, java.util.EnumSet.of(DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.SCREENED_IN,
                DeliveryStatus.SCREENED_OUT, DeliveryStatus.INVESTIGATION_OPENED, DeliveryStatus.REJECTED, DeliveryStatus.FAILED));
        next.put(DeliveryStatus.ACKNOWLEDGED, java.util.EnumSet.of(DeliveryStatus.SCREENED_IN, DeliveryStatus.SCREENED_OUT,
                DeliveryStatus.INVESTIGATION_OPENED, DeliveryStatus.REJECTED, DeliveryStatus.FAILED));
        next.put(DeliveryStatus.SCREENED_IN, java.util.EnumSet.of(DeliveryStatus.INVESTIGATION_OPENED));
        for (DeliveryStatus status : DeliveryStatus.values()) {
            next.putIfAbsent(status, java.util.EnumSet.noneOf(DeliveryStatus.class)); // the terminal ones
        }
        return next;
    }

    /** True when a delivery at {@code from} may move to {@code to}. */
    static boolean mayMove(DeliveryStatus from, DeliveryStatus to) {
        return NEXT.get(from).contains(to);
    }

    /** The state's own answers: only a state that got the report can give them. */
    private static final java.util.Set<DeliveryStatus> STATE_ANSWERS = java.util.EnumSet.of(DeliveryStatus.DELIVERED,
            DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.SCREENED_IN, DeliveryStatus.SCREENED_OUT,
            DeliveryStatus.INVESTIGATION_OPENED, DeliveryStatus.REJECTED);

    /**
     * Records a status from a jurisdiction bundle: its delivery routes and, through them, the state's
     * call-backs. Unlike {@link #update} it trusts nothing about the referral:
     * <ul>
     *   <li>no delivery of this referral to this jurisdiction: {@link java.util.NoSuchElementException}
     *       (a call-back answers 404), nothing is written;</li>
     *   <li>a state's answer (delivered, acknowledged, screened, investigation opened, rejected) for an
     *       open delivery that no attempt can have carried to the state (none made, or every one failed):
     *       also {@link java.util.NoSuchElementException}, nothing is written, so its clocks run on;</li>
     *   <li>a move backwards or out of a terminal status: not applied (see {@link #update}).</li>
     * </ul>
     * The exceptions' messages hold ids and statuses only.
     */
    void report(StatusUpdate update) {
        boolean fromState = STATE_ANSWERS.contains(update.status());
        try {
            db.tx.executeWithoutResult(status -> {
                DeliveryStatus current = currentStatus(update.referralId(), update.jurisdiction())
                        .orElseThrow(() -> new java.util.NoSuchElementException("no delivery of referral " + update.referralId()
                                + " to " + update.jurisdiction().code()));
                if (current.isOpen() && fromState && !attemptMayHaveReachedState(update)) {
                    // to the state the same as an unknown referral: it never received this one
                    throw new java.util.NoSuchElementException("referral " + update.referralId() + " was not delivered to "
                            + update.jurisdiction().code() + ": " + update.status() + " refused");
                }
                boolean applied = apply(update, current);
                if (fromState) {
                    db.audit.append(statusReceived(update).detail("applied", applied ? "yes" : "no (forward only: it was " + current + ")")
                            .build());
                }
            });
        } catch (java.util.NoSuchElementException refused) {
            if (fromState) {
                // nothing of it was written; that it came and was refused is
                db.audit.append(statusReceived(update).outcome(AuditEntry.Outcome.MINOR_FAILURE,
                        "refused: no delivery of this referral to this jurisdiction that could have reached the state").build());
            }
            throw refused;
        }
    }

    /** A state's status, as the audit trail records it: ids and the status, never the state's free text. */
    private static AuditEntry.Builder statusReceived(StatusUpdate update) {
        return AuditEntry.of(AuditEntry.Kind.STATUS_RECEIVED, AuditEntry.Actor.state(update.jurisdiction()))
                .referral(update.referralId()).jurisdiction(update.jurisdiction()).detail("status", update.status().name());
    }

    /**
     * An attempt still under way, one that succeeded, or one the state itself refused (recorded by the
     * delivery routes as failed with a detail starting {@code "refused: "}, just before they report
     * REJECTED): a state's answer may follow it. Attempts that failed on the way (state down, timeout)
     * did not reach it.
     */
    private boolean attemptMayHaveReachedState(StatusUpdate update) {
        return db.jdbc.queryForObject("SELECT COUNT(*) FROM delivery_attempt WHERE referral_id = ? AND jurisdiction = ?"
                        + " AND (outcome IS NULL OR outcome <> 'FAILED' OR detail LIKE 'refused: %')", Integer.class,
                update.referralId().value(), update.jurisdiction().code()) > 0;
    }

    /** The delivery's status, its row locked until the transaction ends (a call-back and a route may race). */
    Optional<DeliveryStatus> currentStatus(ReferralId referralId, Jurisdiction jurisdiction) {
        return db.jdbc.queryForList("SELECT status FROM referral_delivery WHERE referral_id = ? AND jurisdiction = ? FOR UPDATE",
                String.class, referralId.value(), jurisdiction.code()).stream().findFirst().map(DeliveryStatus::valueOf);
    }

    /**
     * Records a change of status with one jurisdiction, and the event; for the core and its tests (the
     * bundles go through {@link #report}). Forward only ({@link #mayMove}): a move backwards or out of a
     * terminal status is not applied, only noted in the referral's trail, so a late or forged status can
     * neither reopen nor close a delivery it does not follow. The same status again refreshes the state's
     * intake number and reason, unless it is terminal. A delivery not yet stored is created.
     */
    void update(StatusUpdate update) {
        db.tx.executeWithoutResult(status -> {
            Optional<DeliveryStatus> current = currentStatus(update.referralId(), update.jurisdiction());
            if (current.isEmpty()) {
                OffsetDateTime check = ClockSchedule.WATCHED.contains(update.status()) ? db.now() : null;
                OffsetDateTime acknowledged = DeadlineRule.STATE_ANSWERS.contains(update.status()) ? update.at().atOffset(ZoneOffset.UTC) : null;
                db.jdbc.update("INSERT INTO referral_delivery (referral_id, jurisdiction, status, state_intake_number, reason, updated_at,"
                                + " next_check_at, acknowledged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        update.referralId().value(), update.jurisdiction().code(), update.status().name(),
                        update.stateIntakeNumber(), update.reason(), update.at().atOffset(ZoneOffset.UTC), check, acknowledged);
                attemptOutcome(update);
                db.event(update.referralId(), update.status().name().toLowerCase(java.util.Locale.ROOT), update.jurisdiction(), update.reason());
                db.aggregates.moved(update.referralId(), update.jurisdiction(), null, update.status());
                return;
            }
            apply(update, current.get());
        });
    }

    /** Applies a status to a stored delivery that is at {@code current}, inside the caller's transaction. */
    private boolean apply(StatusUpdate update, DeliveryStatus current) {
        boolean same = current == update.status();
        if (!(same && !current.isTerminal()) && !mayMove(current, update.status())) {
            // ids and statuses only: the state's reason may not be trusted here
            LOG.info("Status {} for referral {} in {} not applied: the delivery is already {}", update.status(),
                    update.referralId(), update.jurisdiction(), current);
            db.event(update.referralId(), "status-not-applied", update.jurisdiction(),
                    update.status() + " after " + current + " (forward only)");
            return false;
        }
        // a watched status is checked at the next scan when it changed (a delivery deadline may be met, a
        // state's clock start), else keeps its scheduled check; any other status ends every clock
        OffsetDateTime check = ClockSchedule.WATCHED.contains(update.status()) ? db.now() : null;
        List<Object> args = new java.util.ArrayList<>(java.util.Arrays.asList(update.status().name(), update.stateIntakeNumber(),
                update.reason(), update.at().atOffset(ZoneOffset.UTC)));
        if (check != null) {
            args.add(check);
        }
        // the state's first answer starts its own clocks (DeadlineRule.Kind.STATE)
        boolean answer = DeadlineRule.STATE_ANSWERS.contains(update.status());
        if (answer) {
            args.add(update.at().atOffset(ZoneOffset.UTC));
        }
        args.add(update.referralId().value());
        args.add(update.jurisdiction().code());
        db.jdbc.update("UPDATE referral_delivery SET status = ?, state_intake_number = COALESCE(?, state_intake_number),"
                + " reason = ?, updated_at = ?, next_check_at = " + (check == null ? "NULL" : same ? "COALESCE(next_check_at, ?)" : "?")
                + (answer ? ", acknowledged_at = COALESCE(acknowledged_at, ?)" : "")
                + " WHERE referral_id = ? AND jurisdiction = ?", args.toArray());
        db.aggregates.moved(update.referralId(), update.jurisdiction(), current, update.status());
        attemptOutcome(update);
        db.event(update.referralId(), update.status().name().toLowerCase(java.util.Locale.ROOT), update.jurisdiction(), update.reason());
        return true;
    }

    /** The state's answer to the latest attempt is that attempt's outcome. */
    private void attemptOutcome(StatusUpdate update) {
        if (update.status() == DeliveryStatus.DELIVERED || update.status() == DeliveryStatus.ACKNOWLEDGED
                || update.status() == DeliveryStatus.REJECTED) {
            db.jdbc.update("UPDATE delivery_attempt SET outcome = ? WHERE referral_id = ? AND jurisdiction = ? AND outcome IS NULL"
                            + " AND attempt = (SELECT MAX(attempt) FROM delivery_attempt WHERE referral_id = ? AND jurisdiction = ?)",
                    update.status().name(), update.referralId().value(), update.jurisdiction().code(),
                    update.referralId().value(), update.jurisdiction().code());
        }
    }

    // ------------------------------------------------------------------ listings for operators

    /**
     * Deliveries, newest referral first, optionally only those of one status and/or jurisdiction.
     * Ids, codes and statuses only: nothing here is personal data.
     */
    List<DeliverySummary> deliveries(DeliveryStatus status, Jurisdiction jurisdiction, int limit) {
        return search(null, null, status, jurisdiction, null, null, limit);
    }

    /**
     * {@link #deliveries} with more criteria, each null for any (the operator console's search, {@link ConsoleQueries}):
     * a referral id starting with {@code idPrefix}, submitted by the hospital (SMART client) {@code clientId}, received in
     * {@code [from, to)}.
     */
    List<DeliverySummary> search(String idPrefix, String clientId, DeliveryStatus status, Jurisdiction jurisdiction, Instant from,
                                 Instant to, int limit) {
        StringBuilder sql = new StringBuilder("SELECT r.id, r.received_at, d.jurisdiction, d.status, d.state_intake_number, d.reason, d.updated_at,"
                + " (SELECT COUNT(*) FROM delivery_attempt a WHERE a.referral_id = d.referral_id AND a.jurisdiction = d.jurisdiction)"
                + " FROM referral r JOIN referral_delivery d ON d.referral_id = r.id WHERE 1 = 1");
        List<Object> args = new java.util.ArrayList<>();
        if (idPrefix != null && !idPrefix.isBlank()) {
            sql.append(" AND r.id LIKE ? ESCAPE '!'");
            args.add(idPrefix.trim().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        }
        if (clientId != null && !clientId.isBlank()) {
            sql.append(" AND r.client_id = ?");
            args.add(clientId.trim());
        }
        if (status != null) {
            sql.append(" AND d.status = ?");
            args.add(status.name());
        }
        if (jurisdiction != null) {
            sql.append(" AND d.jurisdiction = ?");
            args.add(jurisdiction.code());
        }
        if (from != null) {
            sql.append(" AND r.received_at >= ?");
            args.add(from.atOffset(ZoneOffset.UTC));
        }
        if (to != null) {
            sql.append(" AND r.received_at < ?");
            args.add(to.atOffset(ZoneOffset.UTC));
        }
        sql.append(" ORDER BY r.received_at DESC, d.jurisdiction LIMIT ?");
        args.add(limit);
        return db.jdbc.query(sql.toString(), (rs, n) -> new DeliverySummary(new ReferralId(rs.getString(1)),
                rs.getObject(2, OffsetDateTime.class).toInstant(), Jurisdiction.of(rs.getString(3)), DeliveryStatus.valueOf(rs.getString(4)),
                rs.getString(5), rs.getString(6), rs.getObject(7, OffsetDateTime.class).toInstant(), rs.getInt(8)), args.toArray());
    }

    /**
     * Deliveries still RECEIVED (stored, not yet on their queue) since before {@code olderThan}: what a
     * crash between the store's commit and the enqueue left behind (the outbox).
     */
    List<OpenDelivery> unqueued(Instant olderThan, int limit) {
        return db.jdbc.query("SELECT " + Db.REFERRAL_COLUMNS + ", " + DELIVERY_COLUMNS + " FROM referral_delivery d JOIN referral r ON r.id = d.referral_id"
                        + " WHERE d.status = 'RECEIVED' AND d.updated_at < ? ORDER BY r.received_at LIMIT ?",
                (rs, n) -> openDelivery(rs), olderThan.atOffset(ZoneOffset.UTC), limit);
    }

    private OpenDelivery openDelivery(ResultSet rs) throws SQLException {
        return new OpenDelivery(db.referral(rs, 1), delivery(rs, 4), null);
    }
}
