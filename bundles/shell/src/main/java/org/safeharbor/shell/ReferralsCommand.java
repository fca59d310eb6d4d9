package org.safeharbor.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.store.DeliverySummary;
import org.safeharbor.store.MessageStore;

/**
 * {@code harbor:referrals [-s STATUS] [-j JURISDICTION] [-n LIMIT]}: the newest referrals, their age (since the
 * adapter received them) and where each stands with each jurisdiction; {@code -s ON_HOLD} shows what waits for a state
 * without a bundle and for how long ({@code harbor:purge-on-hold} removes it). Ids, codes and statuses only: no
 * personal data on screen.
 */
@Service
@Command(scope = "harbor", name = "referrals", description = "List referrals and their status with each jurisdiction, newest first")
public class ReferralsCommand implements Action {

    @Option(name = "-s", aliases = "--status", description = "Only this status, e.g. FAILED, REJECTED, QUEUED")
    String status;

    @Option(name = "-j", aliases = "--jurisdiction", description = "Only this jurisdiction, e.g. US-IL")
    String jurisdiction;

    @Option(name = "-n", aliases = "--limit", description = "At most this many lines (default 50)")
    int limit = 50;

    @Reference
    MessageStore store;

    @Override
    public Object execute() {
        DeliveryStatus wanted;
        try {
            wanted = status == null ? null : DeliveryStatus.valueOf(status.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("Unknown status '" + status + "'; one of " + java.util.Arrays.toString(DeliveryStatus.values()));
            return null;
        }
        List<DeliverySummary> rows = store.deliveries(wanted, jurisdiction == null ? null : Jurisdiction.of(jurisdiction.trim()), limit);
        if (rows.isEmpty()) {
            System.out.println("No referrals" + (wanted == null ? "" : " with status " + wanted) + (jurisdiction == null ? "" : " for " + jurisdiction));
            return null;
        }
        System.out.print(table(rows, java.time.Instant.now()));
        return null;
    }

    /** The listing, one line a delivery, with each referral's age at {@code now}. */
    static String table(List<DeliverySummary> rows, java.time.Instant now) {
        StringBuilder out = new StringBuilder(String.format("%-36s  %-20s  %-8s  %-7s  %-20s  %8s  %-16s  %s%n", "REFERRAL", "RECEIVED", "AGE",
                "STATE", "STATUS", "ATTEMPTS", "STATE INTAKE NO", "REASON"));
        for (DeliverySummary r : rows) {
            out.append(String.format("%-36s  %-20s  %-8s  %-7s  %-20s  %8d  %-16s  %s%n", r.referralId().value(), Shell.time(r.receivedAt()),
                    Shell.age(r.receivedAt(), now),
                    r.jurisdiction().code(), r.status(), r.attempts(), r.stateIntakeNumber() == null ? "-" : r.stateIntakeNumber(),
                    r.reason() == null ? "" : r.reason()));
        }
        return out.toString();
    }
}
