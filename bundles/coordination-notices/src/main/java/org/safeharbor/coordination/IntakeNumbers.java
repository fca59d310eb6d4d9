package org.safeharbor.coordination;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;

/**
 * Reads, from the message store's tables (read only, as the services referrals' watch does), the deliveries of a
 * jurisdiction that now carry the state's intake number and have no notice to a team yet. Reading the store rather
 * than being called by a state bundle keeps every state unaware of the teams, and makes the watch durable: what a
 * restart interrupted is read again; the notice itself is recorded once per recipient by the store.
 */
final class IntakeNumbers {

    /** A delivery the state numbered: the trigger of a team's notice. */
    record Numbered(ReferralId referralId, DeliveryStatus status, String intakeNumber) {
    }

    private final DataSource dataSource;

    IntakeNumbers(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Deliveries to {@code jurisdiction} updated after {@code since} with an intake number and no notice to {@code recipient}. */
    List<Numbered> withoutNotice(Jurisdiction jurisdiction, String recipient, Instant since, int limit) {
        String sql = "SELECT d.referral_id, d.status, d.state_intake_number FROM referral_delivery d WHERE d.jurisdiction = ?"
                + " AND d.state_intake_number IS NOT NULL AND d.updated_at > ? AND NOT EXISTS (SELECT 1 FROM referral_notice n"
                + " WHERE n.referral_id = d.referral_id AND n.jurisdiction = d.jurisdiction AND n.recipient = ?)"
                + " ORDER BY d.updated_at LIMIT " + limit;
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            c.setReadOnly(true);
            s.setString(1, jurisdiction.code());
            s.setObject(2, since.atOffset(ZoneOffset.UTC));
            s.setString(3, recipient);
            List<Numbered> result = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    result.add(new Numbered(new ReferralId(r.getString(1)), DeliveryStatus.valueOf(r.getString(2)), r.getString(3)));
                }
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the message store's deliveries (" + e.getSQLState() + ")", e);
        }
    }
}
