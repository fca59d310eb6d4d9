package org.safeharbor.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.store.AuditEntry;
import org.safeharbor.store.AuditQuery;
import org.safeharbor.store.AuditRecord;
import org.safeharbor.store.MessageStore;

/**
 * {@code harbor:audit [REFERRAL-ID] [--agent WHO] [-n N]}: the audit trail, the newest N records oldest first: who
 * received, read, disclosed or changed what, and when. Ids, codes and counts only. The full AuditEvents are served by
 * {@code GET /fhir/AuditEvent} to an auditor client. Each look is itself recorded, with the Karaf user.
 */
@Service
@Command(scope = "harbor", name = "audit", description = "Show the audit trail, of one referral or of everything")
public class AuditCommand implements Action {

    @Argument(index = 0, name = "referral-id", required = false, description = "Only the records of this referral (or configuration PID, client id)")
    String entity;

    @Option(name = "--agent", description = "Only what this client, Karaf user or jurisdiction did")
    String agent;

    @Option(name = "-n", aliases = "--max", description = "How many of the newest records to show (default 50)")
    int max = 50;

    @Reference
    MessageStore store;

    @Override
    public Object execute() {
        AuditQuery query = new AuditQuery(blankToNull(entity), blankToNull(agent), null, null);
        int total = store.countAudit(query);
        List<AuditRecord> records = store.auditRecords(query, Math.max(0, total - max), max);
        AuditEntry.Builder look = AuditEntry.of(AuditEntry.Kind.AUDIT_VIEW, Shell.operator()).detail("query entity", query.entity())
                .detail("query agent", query.agent()).detail("results", records.size());
        if (query.entity() != null) {
            look.referral(new ReferralId(query.entity()));
        }
        store.audit(look.build());
        System.out.printf("%-6s %-20s %-20s %-2s %-3s %-24s %-36s %s%n", "SEQ", "RECORDED", "EVENT", "A", "OUT", "AGENT", "ENTITY", "JURISDICTION");
        for (AuditRecord r : records) {
            System.out.printf("%-6d %-20s %-20s %-2s %-3s %-24s %-36s %s%n", r.seq(), Shell.time(r.recorded()), r.eventCode(), r.action(),
                    r.outcome(), r.agent() == null ? "-" : r.agent(), r.entity() == null ? "-" : r.entity(),
                    r.jurisdiction() == null ? "" : r.jurisdiction());
        }
        System.out.println(records.size() + " of " + total + " record(s). Outcome: 0 success, 4 refused, 8 failed."
                + " Check the chain with harbor:audit-verify");
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
