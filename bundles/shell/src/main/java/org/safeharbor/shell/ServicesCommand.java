package org.safeharbor.shell;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.fhir.services.ServicesReferrals;

/**
 * {@code harbor:services [-s failed] [-n 50]}: the services referrals (README "Services referrals"), latest change first:
 * the referral, the provider, the trigger, where the send stands, the provider's Task status, the attempts and, for a
 * failed one, why (a class and an HTTP status). {@code harbor:services-resend} moves the failed ones back.
 */
@Service
@Command(scope = "harbor", name = "services", description = "List the services referrals sent to services providers, and those that failed")
public class ServicesCommand implements Action {

    @Option(name = "-s", aliases = "--status", description = "Only these: pending, queued, sent or failed")
    String status;

    @Option(name = "-n", aliases = "--max", description = "At most this many (default 50)")
    int max = 50;

    @Reference(optional = true)
    ServicesReferrals services;

    @Override
    public Object execute() {
        if (Shell.servicesMissing(services)) {
            return null;
        }
        String wanted = status == null ? null : status.trim().toLowerCase(Locale.ROOT);
        if (wanted != null && !List.of("pending", "queued", "sent", "failed").contains(wanted)) {
            System.err.println("Unknown status '" + status + "'; one of pending, queued, sent, failed");
            return null;
        }
        List<ServicesReferrals.Summary> rows = services.list(wanted, max);
        if (rows.isEmpty()) {
            System.out.println("No services referrals" + (wanted == null ? "" : " " + wanted));
            return null;
        }
        System.out.printf("%-36s  %-12s  %-18s  %-7s  %-13s  %-8s  %-29s  %s%n", "REFERRAL", "PROVIDER", "TRIGGER", "STATUS",
                "PROVIDER-TASK", "ATTEMPTS", "CHANGED", "REASON");
        Instant now = Instant.now();
        for (ServicesReferrals.Summary r : rows) {
            System.out.printf("%-36s  %-12s  %-18s  %-7s  %-13s  %-8d  %-29s  %s%n", r.referralId().value(), r.provider(), r.trigger(),
                    r.status(), r.providerStatus() == null ? "-" : r.providerStatus(), r.attempts(),
                    Shell.time(r.updatedAt()) + " (" + Shell.age(r.updatedAt(), now) + ")", r.reason() == null ? "" : r.reason());
        }
        long failed = rows.stream().filter(r -> r.status().equals("failed")).count();
        System.out.println(rows.size() + " services referral(s)" + (failed == 0 ? ""
                : "; " + failed + " failed: send them again with harbor:services-resend"));
        return null;
    }
}
