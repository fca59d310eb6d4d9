package org.safeharbor.store;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The de-identified aggregate counts (schema version 7): a referral counts once in each cell of its jurisdictions x its
 * distinct (allegation type, form, certainty) x its report source x its outcome with that jurisdiction x the ISO week
 * it was received. Counted when the referral is accepted and moved when a delivery's status changes, in the caller's
 * transaction, so a count never disagrees with the statuses stored. The counts are kept in {@code aggregate_count},
 * which nothing deletes; the link from a referral to its cells ({@code aggregate_member}) goes with the referral.
 */
final class AggregateCounts {

    /** The form of an allegation whose type is not one of the CSEC forms. */
    static final String UNSPECIFIED = "unspecified";

    private static final String CELL = "jurisdiction = ? AND allegation_type = ? AND allegation_form = ? AND certainty = ?"
            + " AND source_kind = ? AND outcome = ? AND iso_week = ?";

    private final Db db;
    /** A savepoint inside the caller's transaction: a lost race to create a cell rolls back only that insert. */
    private final TransactionTemplate savepoint;

    AggregateCounts(Db db) {
        this.db = db;
        this.savepoint = new TransactionTemplate(db.tx.getTransactionManager());
        savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    /** What a referral counts as, less the jurisdiction and the outcome. */
    record Member(String type, String form, String certainty, String source, String week) {
    }

    /** The ISO week of an instant (UTC), e.g. {@code 2026-W49}. */
    static String isoWeek(java.time.Instant at) {
        ZonedDateTime utc = at.atZone(ZoneOffset.UTC);
        return String.format(Locale.ROOT, "%d-W%02d", utc.get(IsoFields.WEEK_BASED_YEAR), utc.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    /** The delivery-status code of a status, e.g. {@code screened-in}. */
    static String outcome(DeliveryStatus status) {
        return status.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static List<Member> members(Referral referral) {
        Set<Member> members = new LinkedHashSet<>();
        String week = isoWeek(referral.receivedAt());
        for (Allegation a : referral.allegations()) {
            boolean form = a.type().isSexual() && a.type() != AllegationType.SEX_TRAFFICKING;
            members.add(new Member(form ? AllegationType.SEX_TRAFFICKING.code() : a.type().code(), form ? a.type().code() : UNSPECIFIED,
                    a.certainty().code(), referral.source().code(), week));
        }
        return List.copyOf(members);
    }

    /** A referral just accepted, with its first status per jurisdiction: in the caller's transaction. */
    void admit(Referral referral, java.util.Map<Jurisdiction, DeliveryStatus> initialStatus) {
        List<Member> members = members(referral);
        for (Member m : members) {
            db.jdbc.update("INSERT INTO aggregate_member (referral_id, allegation_type, allegation_form, certainty, source_kind, iso_week)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", referral.id().value(), m.type, m.form, m.certainty, m.source, m.week);
        }
        List<Change> changes = new ArrayList<>();
        initialStatus.forEach((jurisdiction, status) -> members.forEach(m -> changes.add(new Change(jurisdiction.code(), m, outcome(status), 1))));
        apply(changes);
    }

    /**
     * A delivery's status moved from {@code from} (null: the delivery is new) to {@code to}: its referral's counts with
     * that jurisdiction move to the new outcome. In the caller's transaction.
     */
    void moved(ReferralId referralId, Jurisdiction jurisdiction, DeliveryStatus from, DeliveryStatus to) {
        if (from == to) {
            return;
        }
        List<Member> members = db.jdbc.query("SELECT allegation_type, allegation_form, certainty, source_kind, iso_week FROM aggregate_member"
                        + " WHERE referral_id = ?", (rs, n) -> new Member(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)), referralId.value());
        List<Change> changes = new ArrayList<>();
        for (Member m : members) {
            if (from != null) {
                changes.add(new Change(jurisdiction.code(), m, outcome(from), -1));
            }
            changes.add(new Change(jurisdiction.code(), m, outcome(to), 1));
        }
        apply(changes);
    }

    private record Change(String jurisdiction, Member member, String outcome, int delta) {
        String key() {
            return String.join("|", jurisdiction, member.type, member.form, member.certainty, member.source, outcome, member.week);
        }

        Object[] cell() {
            return new Object[] {jurisdiction, member.type, member.form, member.certainty, member.source, outcome, member.week};
        }
    }

    /** Applies the changes in one order (the cells' keys), so two transactions never wait on each other's cells in a cycle. */
    private void apply(List<Change> changes) {
        changes.sort(Comparator.comparing(Change::key));
        for (Change c : changes) {
            if (c.delta < 0) {
                db.jdbc.update("UPDATE aggregate_count SET referrals = referrals - 1 WHERE " + CELL + " AND referrals > 0", c.cell());
            } else if (!increment(c)) {
                try {
                    savepoint.executeWithoutResult(s -> db.jdbc.update("INSERT INTO aggregate_count (jurisdiction, allegation_type,"
                            + " allegation_form, certainty, source_kind, outcome, iso_week, referrals) VALUES (?, ?, ?, ?, ?, ?, ?, 1)", c.cell()));
                } catch (DuplicateKeyException raced) {
                    // another transaction created the cell meanwhile: count in it
                    increment(c);
                }
            }
        }
    }

    private boolean increment(Change c) {
        return db.jdbc.update("UPDATE aggregate_count SET referrals = referrals + 1 WHERE " + CELL, c.cell()) > 0;
    }

    /**
     * Every cell with at least one referral, by week, jurisdiction and the rest; a count below {@code minimumCell} is
     * suppressed (null), for the weeks of the period. Complementary suppression is not applied (README "Federal and
     * aggregate data").
     */
    List<AggregateCell> cells(int minimumCell, AggregatePeriod period) {
        // "YYYY-Www" sorts as the weeks do, so the period is a range of strings
        return db.jdbc.query("SELECT jurisdiction, allegation_type, allegation_form, certainty, source_kind, outcome, iso_week, referrals"
                        + " FROM aggregate_count WHERE referrals > 0 AND iso_week >= ? AND iso_week <= ?"
                        + " ORDER BY iso_week, jurisdiction, allegation_type, allegation_form, certainty, source_kind, outcome",
                (rs, n) -> new AggregateCell(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getInt(8) < minimumCell ? null : rs.getInt(8)),
                period.fromWeek() == null ? "0000-W00" : period.fromWeek(), period.toWeek() == null ? "9999-W99" : period.toWeek());
    }
}
