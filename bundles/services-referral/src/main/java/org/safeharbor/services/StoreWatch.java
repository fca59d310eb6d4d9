package org.safeharbor.services;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;

/**
 * Reads, from the message store's tables (read only), what a services referral may follow: referrals accepted since a
 * time, and deliveries whose recorded reason says the state sent the report to law enforcement only. Reading the
 * store's records rather than being called by the intake or a state bundle keeps both unaware of this bundle, and
 * makes the watch durable: what a restart interrupted is read again (each referral is considered once per trigger,
 * {@link ServicesLedger#consider}).
 *
 * <p>Law enforcement only: a state bundle records that outcome on the delivery's status reason (Texas:
 * {@code "Texas law enforcement notified: ..."} when the alleged trafficker is not a person responsible for the child's
 * care, CPS Handbook 2380). The site names, per jurisdiction, the reason's beginning ({@code lawEnforcementOnly}).
 */
final class StoreWatch {

    /** The key under which the intake's triggers are considered. */
    static final String INTAKE = "intake";

    private final DataSource dataSource;

    StoreWatch(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Referrals received after {@code since} and not yet considered at intake, oldest first, at most {@code limit}. */
    List<ReferralId> received(Instant since, int limit) {
        return ids("SELECT r.id FROM referral r WHERE r.received_at > ? AND NOT EXISTS (SELECT 1 FROM services_considered c"
                + " WHERE c.referral_id = r.id AND c.trigger_code = ?) ORDER BY r.received_at LIMIT " + limit, since, INTAKE);
    }

    /**
     * Deliveries updated after {@code since} whose reason begins as the site says the jurisdiction words a report sent
     * to law enforcement only.
     */
    List<ReferralId> lawEnforcementOnly(Map<Jurisdiction, String> reasons, Instant since, int limit) {
        List<ReferralId> result = new ArrayList<>();
        for (Map.Entry<Jurisdiction, String> e : reasons.entrySet()) {
            result.addAll(ids("SELECT d.referral_id FROM referral_delivery d WHERE d.jurisdiction = ? AND d.reason LIKE ? ESCAPE '!'"
                    + " AND d.updated_at > ? AND NOT EXISTS (SELECT 1 FROM services_considered c WHERE c.referral_id = d.referral_id"
                    + " AND c.trigger_code = ?) ORDER BY d.updated_at LIMIT " + limit, e.getKey().code(), like(e.getValue()), since,
                    Trigger.LAW_ENFORCEMENT_ONLY.code()));
        }
        return result;
    }

    private static String like(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    private List<ReferralId> ids(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i] instanceof Instant t ? t.atOffset(ZoneOffset.UTC) : args[i]);
            }
            List<ReferralId> ids = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(new ReferralId(r.getString(1)));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the message store's referrals (" + e.getSQLState() + ")", e);
        }
    }
}
