package org.safeharbor.shell;

import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.store.Attempt;
import org.safeharbor.store.AuditEntry;
import org.safeharbor.store.Delivery;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.Notice;
import org.safeharbor.store.NoticeAttempt;
import org.safeharbor.store.Replay;
import org.safeharbor.store.StoredReferral;

/**
 * {@code harbor:referral ID}: one referral's trail: status per jurisdiction, every delivery attempt
 * with its outcome, every replay linked to it, every notice a state's law made of it (e.g. Massachusetts'
 * s.51B(k) notices) with its attempts, and the audit events. No personal data is printed. Each view is recorded in
 * the audit trail with the Karaf user who asked.
 */
@Service
@Command(scope = "harbor", name = "referral", description = "Show one referral: deliveries, attempts, replays, notices and its audit trail")
public class ReferralCommand implements Action {

    @Argument(index = 0, name = "referral-id", required = true, description = "The referral id (the hospital's Task id)")
    String referralId;

    @Reference
    MessageStore store;

    @Override
    public Object execute() {
        ReferralId id = new ReferralId(referralId.trim());
        Optional<StoredReferral> found = store.find(id);
        store.audit(AuditEntry.of(AuditEntry.Kind.REFERRAL_VIEW, Shell.operator()).referral(id)
                .outcome(found.isPresent() ? AuditEntry.Outcome.SUCCESS : AuditEntry.Outcome.MINOR_FAILURE,
                        found.isPresent() ? null : "no such referral").build());
        if (found.isEmpty()) {
            System.err.println("No referral " + referralId + " in the message store");
            return null;
        }
        StoredReferral stored = found.get();
        System.out.println("Referral " + id.value() + ", received " + Shell.time(stored.receivedAt())
                + (stored.actionable() ? "" : " (not actionable: nothing to report)"));
        System.out.println("Deliveries:");
        for (Delivery d : stored.deliveries()) {
            System.out.printf("  %-7s %-20s %-16s %s%n", d.jurisdiction().code(), d.status(),
                    d.stateIntakeNumber() == null ? "-" : d.stateIntakeNumber(), d.reason() == null ? "" : d.reason());
        }
        System.out.println("Attempts:");
        for (Attempt a : store.attempts(id)) {
            System.out.printf("  %-7s #%-3d %-20s %-12s %6d chars  %s%n", a.jurisdiction().code(), a.attempt(), Shell.time(a.startedAt()),
                    a.outcome() == null ? "(no answer)" : a.outcome(), a.payloadChars(), a.detail() == null ? "" : a.detail());
        }
        System.out.println("Replays:");
        for (Replay r : store.replays(id)) {
            System.out.printf("  %s %-7s from %s%s by %s at %s%s%n", r.id(), r.jurisdiction().code(), r.source(),
                    r.sourceAttempt() == null ? "" : " (attempt " + r.sourceAttempt() + ")", r.requestedBy(), Shell.time(r.requestedAt()),
                    r.attempt() == null ? ", not yet delivered" : ", carried by attempt " + r.attempt());
        }
        System.out.println("Notices:");
        List<NoticeAttempt> noticeAttempts = store.noticeAttempts(id);
        for (Notice n : store.notices(id)) {
            System.out.printf("  %-7s %-18s %-8s on %-20s %d attempt(s)  %s%n", n.jurisdiction().code(), n.recipient(), n.status(),
                    n.trigger(), n.attempts(), n.reason() == null ? "" : n.reason());
            for (NoticeAttempt a : noticeAttempts) {
                if (a.jurisdiction().equals(n.jurisdiction()) && a.recipient().equals(n.recipient())) {
                    System.out.printf("    #%-3d %-20s %-12s %6d chars  %s%n", a.attempt(), Shell.time(a.startedAt()),
                            a.outcome() == null ? "(no answer)" : a.outcome(), a.payloadChars(), a.detail() == null ? "" : a.detail());
                }
            }
        }
        System.out.println("Events:");
        store.events(id).forEach(e -> System.out.println("  " + e));
        return null;
    }
}
